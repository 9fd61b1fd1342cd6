"""The architecture rules hold for the project (see tests/architecture.py and
docs/architecture.md), and the checks can fail."""

from __future__ import annotations

from tests import architecture as arch


def _describe(uses) -> list[str]:
    return [f"{u.module}:{u.line} → {u.target}{'.' + u.name if u.name else ''}" for u in uses]


def test_the_graph_sees_the_project():
    uses = arch.project_uses()
    graph = arch.import_graph(uses)
    assert "orders.services.lifecycle" in graph and "core.writer" in graph
    assert "core.writer" in graph["orders.services.lifecycle"]


def test_no_import_circle():
    assert arch.cycles(arch.import_graph(arch.project_uses())) == []


def test_no_private_name_used_across_modules():
    assert _describe(arch.private_uses(arch.project_uses())) == []


def test_apps_depend_one_way():
    assert _describe(arch.layer_violations(arch.project_uses())) == []


# --- the checks themselves ---------------------------------------------------------------


def _uses(sources: dict[str, str]) -> list[arch.Use]:
    modules = set(sources)
    uses = []
    for name, source in sources.items():
        uses += arch.uses_in(source, module=name, is_package=False, modules=modules)
    return uses


def test_a_circle_through_a_lazy_import_is_found():
    uses = _uses(
        {
            "orders.a": "from orders import b\n",
            "orders.b": "def f():\n    from orders.c import x\n",
            "orders.c": "import orders.a\nx = 1\n",
            "orders.d": "from orders import a\n",
        }
    )
    assert arch.cycles(arch.import_graph(uses)) == [["orders.a", "orders.b", "orders.c"]]


def test_a_graph_without_a_circle_passes():
    uses = _uses({"core.a": "", "grids.b": "from core import a\n", "orders.c": "import grids.b\n"})
    assert arch.cycles(arch.import_graph(uses)) == []


def test_private_names_are_found_in_both_spellings():
    uses = _uses(
        {
            "orders.a": "_x = 1\ndef _y(): pass\n",
            "orders.b": "from orders.a import _x\n",
            "orders.c": "from orders import a\na._y()\na.__name__\n",
        }
    )
    assert _describe(arch.private_uses(uses)) == [
        "orders.b:1 → orders.a._x",
        "orders.c:2 → orders.a._y",
    ]


def test_an_upward_import_is_a_layer_violation():
    uses = _uses(
        {
            "core.a": "def f():\n    from orders import b\n",
            "orders.b": "from core import a\n",
            "grids.c": "from config import health\n",
            "grids.models": "unit = models.ForeignKey('parties.MemberUnit', on_delete=None)\n",
            "parties.models": "",
            "config.health": "",
        }
    )
    assert _describe(arch.layer_violations(uses)) == [
        "core.a:2 → orders.b",
        "grids.c:1 → config.health",
        "grids.models:1 → parties.models.MemberUnit",
    ]
