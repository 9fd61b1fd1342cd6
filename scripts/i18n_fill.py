#!/usr/bin/env python3
"""Fill a gettext .po catalogue from a JSON file of translations (no third-party deps).

Export what still needs translating, translate it, fill it back in:

    scripts/i18n_fill.py export locale/en/LC_MESSAGES/django.po > /tmp/todo.json
    # edit /tmp/todo.json: give every key its English value
    scripts/i18n_fill.py fill locale/en/LC_MESSAGES/django.po /tmp/todo.json

The JSON file maps each msgid (the Chinese source string) to its translation.
For a plural entry (msgid_plural) the value is a list, one string per plural form
(English: [singular, plural]); a plain string is used for every form.
An entry with msgctxt is keyed as "context\\u0004msgid", as gettext does internally.

``fill`` only touches entries that are untranslated or fuzzy, unless ``--overwrite``.
When it fills a fuzzy entry it removes the fuzzy flag and the ``#|`` previous-msgid
comments. It refuses translations whose %-placeholders differ from the msgid's.
``export`` lists untranslated and fuzzy entries (value "" or ["", ""]),
or every entry with ``--all`` (values are the current translations).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

CTX_SEP = "\x04"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)  # every line starting with '#'
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # 0 for a non-plural msgstr
    obsolete: bool = False
    raw: list[str] = field(default_factory=list)  # the lines as read; written back unless changed
    changed: bool = False

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}{CTX_SEP}{self.msgid}"

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return any(
            c.startswith("#,") and "fuzzy" in c[2:].replace(",", " ").split() for c in self.comments
        )

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def unquote(s: str) -> str:
    s = s.strip()
    if not (s.startswith('"') and s.endswith('"')):
        raise ValueError(f"not a quoted string: {s!r}")
    body, out, i = s[1:-1], [], 0
    escapes = {
        "n": "\n",
        "t": "\t",
        "r": "\r",
        '"': '"',
        "\\": "\\",
        "a": "\a",
        "b": "\b",
        "f": "\f",
        "v": "\v",
    }
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def quote(s: str) -> str:
    return (
        '"'
        + s.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
        + '"'
    )


def parse(text: str) -> list[Entry]:
    entries: list[Entry] = []
    cur = Entry()
    field_name: str | None = None  # which string the continuation lines belong to
    started = False

    def flush() -> None:
        nonlocal cur, field_name, started
        if started:
            entries.append(cur)
        cur, field_name, started = Entry(), None, False

    for raw in text.splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            continue
        cur.raw.append(raw)
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
            cur.obsolete = True
            if not line.startswith(("msg", '"')):
                cur.comments.append(raw)
                started = True
                continue
        elif line.startswith("#"):
            if field_name is not None and field_name != "comments":
                cur.raw.pop()
                flush()  # comments start a new entry
                cur.raw.append(raw)
            cur.comments.append(line)
            started, field_name = True, "comments"
            continue
        started = True
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$", line)
        if m:
            kw, idx, value = m.group(1), m.group(2), unquote(m.group(3))
            if kw == "msgid" and field_name not in (None, "comments", "msgctxt"):
                cur.raw.pop()
                flush()
                cur.raw.append(raw)
                started = True
                cur.obsolete = obsolete
            if kw.startswith("msgstr"):
                field_name = f"msgstr{int(idx or 0)}"
                cur.msgstr[int(idx or 0)] = value
            else:
                field_name = kw
                setattr(cur, kw, value)
        elif line.startswith('"') and field_name:
            value = unquote(line)
            if field_name.startswith("msgstr"):
                cur.msgstr[int(field_name[6:])] += value
            else:
                setattr(cur, field_name, getattr(cur, field_name) + value)
        else:
            raise ValueError(f"cannot parse line: {raw!r}")
    flush()
    return entries


def wrap_string(keyword: str, value: str, prefix: str = "") -> list[str]:
    # Multi-line strings are split after each \n, as msgmerge does; no width wrapping.
    parts = re.findall(r"[^\n]*\n|[^\n]+", value) or [""]
    if len(parts) == 1:
        return [f"{prefix}{keyword} {quote(parts[0])}"]
    return [f'{prefix}{keyword} ""'] + [f"{prefix}{quote(p)}" for p in parts]


def render(entries: list[Entry]) -> str:
    blocks = []
    for e in entries:
        if not e.changed:
            blocks.append("\n".join(e.raw))
            continue
        p = "#~ " if e.obsolete else ""
        lines = [c for c in e.comments]
        if e.msgctxt is not None:
            lines += wrap_string("msgctxt", e.msgctxt, p)
        lines += wrap_string("msgid", e.msgid, p)
        if e.msgid_plural is not None:
            lines += wrap_string("msgid_plural", e.msgid_plural, p)
            for i in sorted(e.msgstr):
                lines += wrap_string(f"msgstr[{i}]", e.msgstr[i], p)
        else:
            lines += wrap_string("msgstr", e.msgstr.get(0, ""), p)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def placeholders(s: str) -> list[str]:
    return sorted(m for m in PLACEHOLDER.findall(s) if m != "%%")


def unfuzz(e: Entry) -> None:
    kept = []
    for c in e.comments:
        if c.startswith("#|"):
            continue
        if c.startswith("#,"):
            flags = [f.strip() for f in c[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
            if not flags:
                continue
            c = "#, " + ", ".join(flags)
        kept.append(c)
    e.comments = kept


def normalise(po: Path) -> None:
    """Re-wrap the file the way makemessages/msgmerge writes it, so the next run adds no churn."""
    if msgcat := shutil.which("msgcat"):
        subprocess.run([msgcat, "-o", str(po), str(po)], check=True)


def export(po: Path, all_entries: bool) -> int:
    out = {}
    for e in parse(po.read_text(encoding="utf-8")):
        if e.is_header or e.obsolete or (e.translated and not e.fuzzy and not all_entries):
            continue
        if e.msgid_plural is not None:
            out[e.key] = (
                [e.msgstr.get(i, "") for i in sorted(e.msgstr)]
                if all_entries
                else ["" for _ in e.msgstr]
            )
        else:
            out[e.key] = e.msgstr.get(0, "") if all_entries else ""
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def fill(po: Path, translations: Path, overwrite: bool) -> int:
    entries = parse(po.read_text(encoding="utf-8"))
    table = json.loads(translations.read_text(encoding="utf-8"))
    filled, problems, missing = 0, [], []
    for e in entries:
        if e.is_header or e.obsolete:
            continue
        if e.translated and not e.fuzzy and not overwrite:
            continue
        value = table.get(e.key)
        if not value:
            if not e.translated or e.fuzzy:
                missing.append(e.key)
            continue
        forms = sorted(e.msgstr) or [0]
        values = value if isinstance(value, list) else [value] * len(forms)
        if len(values) != len(forms) or not all(values):
            problems.append(f"{e.key!r}: needs {len(forms)} non-empty form(s)")
            continue
        if e.msgid_plural is None:
            bad = [v for v in values if placeholders(v) != placeholders(e.msgid)]
        else:  # a plural form may leave out the count, but must not invent placeholders
            allowed = set(placeholders(e.msgid)) | set(placeholders(e.msgid_plural))
            bad = [v for v in values if not set(placeholders(v)) <= allowed]
        if bad:
            problems.append(f"{e.key!r}: placeholders {placeholders(e.msgid)} but got {bad[0]!r}")
            continue
        e.msgstr = dict(zip(forms, values))
        e.changed = True
        unfuzz(e)
        filled += 1
    po.write_text(render(entries), encoding="utf-8")
    normalise(po)
    print(f"filled {filled} entr{'y' if filled == 1 else 'ies'} in {po}", file=sys.stderr)
    for p in problems:
        print(f"  skipped {p}", file=sys.stderr)
    for k in missing:
        print(f"  no translation for {k!r}", file=sys.stderr)
    return 1 if problems or missing else 0


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("export", help="print untranslated/fuzzy entries as JSON")
    ex.add_argument("po", type=Path)
    ex.add_argument("--all", action="store_true", help="every entry, with its current translation")
    fi = sub.add_parser("fill", help="fill the .po from a JSON {msgid: translation} file")
    fi.add_argument("po", type=Path)
    fi.add_argument("json", type=Path)
    fi.add_argument("--overwrite", action="store_true", help="also replace existing translations")
    args = ap.parse_args()
    if args.cmd == "export":
        return export(args.po, args.all)
    return fill(args.po, args.json, args.overwrite)


if __name__ == "__main__":
    sys.exit(main())
