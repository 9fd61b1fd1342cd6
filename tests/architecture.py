"""The project's import graph, read with ``ast`` from every module outside .venv and the
migrations (imports inside functions included), and the rules it must keep:

* no import circle among the project's own modules;
* no module uses another module's ``_private`` name (``from x import _y`` or ``x._y``);
* apps depend one way: ``core`` ← ``grids`` ← ``parties`` and ``accounts`` ← ``orders``
  (``APP_LAYERS``), counting model relations by name (``ForeignKey("app.Model")``) as well
  as imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "migrations", "node_modules", "__pycache__", ".git", "var", "static"}

# An app may import only apps of a lower layer (and itself). Others (config, demo, tests,
# bench, scripts) sit on top and may import anything; config.settings is read by Django.
APP_LAYERS = {"core": 0, "grids": 1, "parties": 2, "accounts": 2, "orders": 3, "open311": 4}


@dataclass(frozen=True)
class Use:
    """One import (or attribute use) in ``module`` at ``line``."""

    module: str
    line: int
    target: str  # the imported module
    name: str = ""  # a name taken from it, when there is one


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_files(root: Path = ROOT) -> list[Path]:
    files = []
    for path in root.rglob("*.py"):
        if SKIP_DIRS.intersection(path.relative_to(root).parts):
            continue
        files.append(path)
    return sorted(files)


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if not level:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join(base + ([target] if target else []))


def uses_in(source: str, *, module: str, is_package: bool, modules: set[str]) -> list[Use]:
    """Every import of a project module in ``source``, at any depth, and every
    ``alias._name`` attribute read off an imported project module."""
    tree = ast.parse(source)
    uses: list[Use] = []
    aliases: dict[str, str] = {}  # local name -> project module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_project(alias.name, modules):
                    uses.append(Use(module, node.lineno, alias.name))
                    local = alias.asname or alias.name.split(".")[0]
                    aliases[local] = alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            if not _is_project(base, modules):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in modules:  # ``from pkg import submodule``
                    uses.append(Use(module, node.lineno, sub))
                    aliases[alias.asname or alias.name] = sub
                else:
                    uses.append(Use(module, node.lineno, base, alias.name))
    for node in ast.walk(tree):
        relation = _relation_target(node)
        if relation and _is_project(relation[0], modules):
            # A model relation by name ("app.Model") is a dependency on that app's models.
            uses.append(Use(module, node.lineno, relation[0], relation[1]))
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            uses.append(Use(module, node.lineno, aliases[node.value.id], node.attr))
    return uses


RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _relation_target(node: ast.AST) -> tuple[str, str] | None:
    """("app.models", "Model") for ``models.ForeignKey("app.Model", …)``."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    if name not in RELATIONS or not isinstance(first, ast.Constant):
        return None
    if not isinstance(first.value, str) or first.value.count(".") != 1:
        return None
    app, model = first.value.split(".")
    return f"{app}.models", model


def _is_project(name: str, modules: set[str]) -> bool:
    return bool(name) and (name in modules or name.split(".")[0] in _top_levels(modules))


def _top_levels(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def project_uses(root: Path = ROOT) -> list[Use]:
    files = project_files(root)
    modules = {module_name(p, root) for p in files}
    uses = []
    for path in files:
        uses += uses_in(
            path.read_text(encoding="utf-8"),
            module=module_name(path, root),
            is_package=path.name == "__init__.py",
            modules=modules,
        )
    return uses


def import_graph(uses: Iterable[Use]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for use in uses:
        if use.target != use.module and (not use.name or not use.name.startswith("_")):
            graph.setdefault(use.module, set()).add(use.target)
        else:
            graph.setdefault(use.module, set())
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def private_uses(uses: Iterable[Use]) -> list[Use]:
    """Uses of another module's ``_private`` name (dunders are public)."""
    return [
        use
        for use in uses
        if use.name.startswith("_") and not use.name.startswith("__") and use.target != use.module
    ]


def layer_violations(uses: Iterable[Use], layers: Mapping[str, int] = APP_LAYERS) -> list[Use]:
    """Imports from an app into an app of a higher layer, or into a top-level package
    (config, demo, …) that is not an app."""
    bad = []
    for use in uses:
        source, target = use.module.split(".")[0], use.target.split(".")[0]
        if source not in layers or source == target:
            continue
        if target not in layers or layers[target] > layers[source]:
            bad.append(use)
    return bad
