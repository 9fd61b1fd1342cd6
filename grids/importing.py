"""Parse and validate an area-tree file handed over by a street office.

Two steps, both free of writes:

* ``parse_area_file`` turns the uploaded bytes (.xlsx, or .csv in UTF-8, UTF-8 with BOM
  or GBK) into ``ImportRow`` objects plus file-level and row-level errors;
* ``validate_area_rows`` checks the rows against each other and against what already
  exists (a plain mapping, so it needs no database) and decides, per row, whether it
  creates a node, renames one or leaves it as it is.

``plan_area_import`` glues the two together for a user (one query for the existing
nodes the file mentions, plus the user's access). ``grids.services.area_import`` runs it
again inside its transaction before writing, so a stored upload is never trusted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _

from grids.models import Area, AreaLevel, PostRole

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNPACKED_XLSX_BYTES = 100 * 1024 * 1024
MAX_CODE_LENGTH = Area._meta.get_field("code").max_length
MAX_NAME_LENGTH = Area._meta.get_field("name").max_length
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")

# Header spellings, compared after stripping spaces and lower-casing.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("编码", "代码", "区域编码", "code"),
    "name": ("名称", "区域名称", "name"),
    "level": ("层级", "级别", "level"),
    "parent_code": ("上级编码", "上级代码", "上级", "parent_code", "parentcode", "parent"),
}
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")

LEVEL_WORDS: dict[str, int] = {
    "街道": AreaLevel.STREET,
    "社区": AreaLevel.COMMUNITY,
    "网格": AreaLevel.GRID,
    "小区": AreaLevel.COMPOUND,
    "楼栋": AreaLevel.COMPOUND,
    "小区楼栋": AreaLevel.COMPOUND,
    "小区/楼栋": AreaLevel.COMPOUND,
    "微网格": AreaLevel.MICROGRID,
    "street": AreaLevel.STREET,
    "community": AreaLevel.COMMUNITY,
    "grid": AreaLevel.GRID,
    "compound": AreaLevel.COMPOUND,
    "building": AreaLevel.COMPOUND,
    "microgrid": AreaLevel.MICROGRID,
    "micro-grid": AreaLevel.MICROGRID,
    **{str(level.value): level.value for level in AreaLevel},
}

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


class ImportFileError(Exception):
    """The upload is not a spreadsheet this importer can read."""


@dataclass
class ImportRow:
    line: int
    code: str
    name: str
    level_text: str
    parent_code: str
    level: int | None = None
    action: str = ""

    @property
    def level_label(self) -> str:
        return AreaLevel(self.level).label if self.level else self.level_text


@dataclass(frozen=True)
class RowError:
    line: int | None  # None for a problem with the whole file
    message: str


@dataclass(frozen=True)
class ExistingArea:
    code: str
    level: int
    name: str
    parent_code: str
    path: str


@dataclass
class ImportPlan:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def rows_with(self, action: str) -> list[ImportRow]:
        return [r for r in self.rows if r.action == action]

    def counts_by_level(self) -> list[dict]:
        """Per level: how many rows create, rename or leave a node as it is."""
        counts = Counter((r.level, r.action) for r in self.rows if r.level)
        return [
            {
                "level": level.value,
                "label": level.label,
                CREATE: counts[(level.value, CREATE)],
                UPDATE: counts[(level.value, UPDATE)],
                UNCHANGED: counts[(level.value, UNCHANGED)],
            }
            for level in AreaLevel
            if any(counts[(level.value, a)] for a in (CREATE, UPDATE, UNCHANGED))
        ]


# --- parsing ----------------------------------------------------------------


def parse_area_file(*, content: bytes, filename: str) -> tuple[list[ImportRow], list[RowError]]:
    """Read the rows of an upload; never raises for bad input, reports it as errors."""
    try:
        table = read_table(content=content, filename=filename)
        rows, errors = _rows_from_table(table)
    except ImportFileError as exc:
        return [], [RowError(None, str(exc))]
    return rows, errors


def read_table(*, content: bytes, filename: str) -> Iterator[tuple[int, list[str]]]:
    """The non-empty rows of an upload as ``(line number, cells)``; raises
    ``ImportFileError`` for a file it cannot read. Shared by every spreadsheet import."""
    if not content:
        raise ImportFileError(_("文件是空的。"))
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            _("文件太大，最多 %(mb)d MB。") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    lower = filename.lower()
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("这是旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再上传。")
        )
    if lower.endswith((".xlsx", ".xlsm")):
        raise ImportFileError(_("这不是有效的 Excel（.xlsx）文件。"))
    if not lower.endswith((".csv", ".txt")):
        raise ImportFileError(_("只支持 .xlsx 和 .csv 文件。"))
    return _read_csv(content)


def _read_xlsx(content: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_("这不是有效的 Excel（.xlsx）文件。")) from exc
    if unpacked > MAX_UNPACKED_XLSX_BYTES:
        # A small archive that inflates to gigabytes would exhaust memory in openpyxl.
        raise ImportFileError(_("Excel 文件解压后太大，请拆分后再导入。"))
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Materialise up to the row limit now so a broken archive fails here, not mid-validation.
        table: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if any(cells):
                table.append((number, cells))
                if len(table) > MAX_ROWS + 1:
                    break
        workbook.close()
    except (
        zipfile.BadZipFile,
        KeyError,
        IndexError,
        ValueError,
        TypeError,
        OSError,
        EOFError,
    ) as exc:
        raise ImportFileError(_("这不是有效的 Excel（.xlsx）文件。")) from exc
    except Exception as exc:  # openpyxl raises assorted errors for damaged archives
        raise ImportFileError(_("无法读取这个 Excel 文件，请确认它是 .xlsx 格式。")) from exc
    return iter(table)


def _read_csv(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("这不是文本格式的 CSV 文件。"))
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GBK。"))
    try:
        table = []
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            cells = [c.strip() for c in cells]
            if any(cells):
                table.append((number, cells))
                if len(table) > MAX_ROWS + 1:
                    break
    except csv.Error as exc:
        raise ImportFileError(_("CSV 文件格式有误：%(error)s") % {"error": exc}) from exc
    return iter(table)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def header_key(text: str, aliases: Mapping[str, tuple[str, ...]] = HEADER_ALIASES) -> str | None:
    """Which column ``text`` names among ``aliases`` (spaces and brackets ignored)."""
    norm = re.sub(r"[\s（）()]", "", text).lower()
    for key, spellings in aliases.items():
        if norm in spellings:
            return key
    return None


def header_columns(
    *,
    header: tuple[int, list[str]] | None,
    aliases: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
) -> dict[str, int]:
    """Map column keys to their index in the header row; ``ImportFileError`` names the
    missing required columns."""
    if header is None:
        raise ImportFileError(_("文件里没有任何内容。"))
    header_line, header_cells = header
    columns: dict[str, int] = {}
    for index, text in enumerate(header_cells):
        key = header_key(text, aliases)
        if key and key not in columns:
            columns[key] = index
    required = list(required)
    missing = [k for k in required if k not in columns]
    if missing:
        expected = _("、").join(f"{aliases[k][0]}/{aliases[k][-1]}" for k in required)
        raise ImportFileError(
            _("第 %(line)d 行应为表头，缺少列：%(missing)s。需要的列：%(expected)s。")
            % {
                "line": header_line,
                "missing": _("、").join(aliases[k][0] for k in missing),
                "expected": expected,
            }
        )
    return columns


def row_cell(cells: list[str], columns: Mapping[str, int], key: str) -> str:
    """The stripped text of column ``key`` in a row ("" when the column or cell is absent)."""
    i = columns.get(key)
    return cells[i].strip() if i is not None and i < len(cells) else ""


def _rows_from_table(
    table: Iterable[tuple[int, list[str]]],
) -> tuple[list[ImportRow], list[RowError]]:
    table = iter(table)
    columns = header_columns(
        header=next(table, None), aliases=HEADER_ALIASES, required=REQUIRED_COLUMNS
    )

    rows: list[ImportRow] = []
    errors: list[RowError] = []
    for line, cells in table:
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_("行数太多，一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})

        def cell(key: str, cells: list[str] = cells) -> str:
            i = columns[key]
            return cells[i].strip() if i < len(cells) else ""

        row = ImportRow(
            line=line,
            code=cell("code"),
            name=cell("name"),
            level_text=cell("level"),
            parent_code=cell("parent_code"),
        )
        row.level = LEVEL_WORDS.get(row.level_text.replace(" ", "").lower())
        errors.extend(_row_format_errors(row))
        rows.append(row)
    if not rows:
        raise ImportFileError(_("文件只有表头，没有数据行。"))
    return rows, errors


def _row_format_errors(row: ImportRow) -> Iterator[RowError]:
    for label, value in ((_("编码"), row.code), (_("上级编码"), row.parent_code)):
        if not value:
            continue
        if len(value) > MAX_CODE_LENGTH:
            yield RowError(
                row.line,
                _("%(label)s太长（最多 %(n)d 个字符）。") % {"label": label, "n": MAX_CODE_LENGTH},
            )
        elif not CODE_RE.match(value):
            yield RowError(
                row.line,
                _(
                    "%(label)s“%(value)s”格式不对：只能包含字母、数字、点、下划线和连字符，且以字母或数字开头。"
                )
                % {"label": label, "value": value},
            )
    if not row.code:
        yield RowError(row.line, _("缺少编码。"))
    if not row.name:
        yield RowError(row.line, _("缺少名称。"))
    elif len(row.name) > MAX_NAME_LENGTH:
        yield RowError(row.line, _("名称太长（最多 %(n)d 个字符）。") % {"n": MAX_NAME_LENGTH})
    if not row.level_text:
        yield RowError(row.line, _("缺少层级。"))
    elif row.level is None:
        yield RowError(
            row.line,
            _("无法识别的层级“%(value)s”，应为 街道/社区/网格/小区楼栋/微网格 或 1-5。")
            % {"value": row.level_text},
        )


# --- validation -------------------------------------------------------------


def validate_area_rows(
    *,
    rows: list[ImportRow],
    existing: Mapping[str, ExistingArea],
    may_create_street: bool,
    parent_in_scope: Callable[[ExistingArea], bool],
) -> list[RowError]:
    """Cross-row and database checks; sets ``row.action``. Rows may come in any order.

    ``existing`` maps codes already in the database (at least those the file mentions)
    to what they hold; ``parent_in_scope`` says whether the user may add under a node.
    """
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    by_code: dict[str, ImportRow] = {}
    for row in rows:
        if not row.code:
            continue
        if row.code in first_line:
            errors.append(
                RowError(
                    row.line,
                    _("编码“%(code)s”与第 %(first)d 行重复。")
                    % {"code": row.code, "first": first_line[row.code]},
                )
            )
        else:
            first_line[row.code] = row.line
            by_code[row.code] = row

    for row in rows:
        if not row.code or row.level is None or by_code.get(row.code) is not row:
            continue
        errors.extend(_check_row(row, by_code, existing, may_create_street, parent_in_scope))
    errors.sort(key=lambda e: e.line or 0)
    return errors


def _check_row(
    row: ImportRow,
    by_code: Mapping[str, ImportRow],
    existing: Mapping[str, ExistingArea],
    may_create_street: bool,
    parent_in_scope: Callable[[ExistingArea], bool],
) -> Iterator[RowError]:
    if row.level == AreaLevel.STREET:
        if row.parent_code:
            yield RowError(row.line, _("街道是最高一级，上级编码应留空。"))
            return
    elif not row.parent_code:
        yield RowError(
            row.line,
            _("只有街道可以没有上级编码，%(level)s需要填写上级编码。") % {"level": row.level_label},
        )
        return
    elif row.parent_code == row.code:
        yield RowError(row.line, _("上级编码不能是自己。"))
        return

    current = existing.get(row.code)
    if current is not None:
        if current.level != row.level or current.parent_code != row.parent_code:
            yield RowError(
                row.line,
                _("编码“%(code)s”已存在，但上级或层级不同（现为%(level)s，上级“%(parent)s”）。")
                % {
                    "code": row.code,
                    "level": AreaLevel(current.level).label,
                    "parent": current.parent_code or "—",
                },
            )
            return
        if not parent_in_scope(current):
            yield RowError(row.line, _("编码“%(code)s”不在你的管辖范围内。") % {"code": row.code})
            return
        row.action = UNCHANGED if current.name == row.name else UPDATE
        return

    row.action = CREATE
    if row.level == AreaLevel.STREET:
        if not may_create_street:
            yield RowError(row.line, _("只有超级管理员可以新建街道。"))
        return

    if row.parent_code in by_code:
        parent_level = by_code[row.parent_code].level
    elif row.parent_code in existing:
        parent = existing[row.parent_code]
        parent_level = parent.level
        if not parent_in_scope(parent):
            yield RowError(
                row.line, _("上级编码“%(code)s”不在你的管辖范围内。") % {"code": row.parent_code}
            )
            return
    else:
        yield RowError(
            row.line,
            _("上级编码“%(code)s”既不在系统中，也不在本文件中。") % {"code": row.parent_code},
        )
        return
    if parent_level is not None and parent_level + 1 != row.level:
        yield RowError(
            row.line,
            _(
                "层级不对：上级“%(parent)s”是%(parent_level)s，下级应为%(expected)s，而不是%(level)s。"
            )
            % {
                "parent": row.parent_code,
                "parent_level": AreaLevel(parent_level).label,
                "expected": AreaLevel(parent_level + 1).label
                if parent_level < AreaLevel.MICROGRID
                else "—",
                "level": row.level_label,
            },
        )


def existing_areas_for(codes: Iterable[str]) -> dict[str, ExistingArea]:
    """The nodes already in the database among ``codes`` — one query."""
    codes = list(set(codes))
    rows = Area.objects.filter(code__in=codes).values_list(
        "code", "level", "name", "parent__code", "path"
    )
    return {
        code: ExistingArea(code, level, name, parent_code or "", path)
        for code, level, name, parent_code, path in rows
    }


def plan_area_import(
    *, content: bytes, filename: str, user: AbstractBaseUser | AnonymousUser
) -> ImportPlan:
    """Parse and validate an upload for ``user``; nothing is written."""
    from grids.access import access_for

    rows, errors = parse_area_file(content=content, filename=filename)
    plan = ImportPlan(rows=rows, errors=errors)
    if not rows or any(e.line is None for e in errors):
        return plan
    access = access_for(user)
    scope_paths = access.paths_for(PostRole.STREET_OFFICIAL)

    def parent_in_scope(area: ExistingArea) -> bool:
        return access.is_superuser or any(area.path.startswith(p) for p in scope_paths)

    existing = existing_areas_for(
        [r.code for r in rows if r.code] + [r.parent_code for r in rows if r.parent_code]
    )
    plan.errors = sorted(
        errors
        + validate_area_rows(
            rows=rows,
            existing=existing,
            may_create_street=access.is_superuser,
            parent_in_scope=parent_in_scope,
        ),
        key=lambda e: e.line or 0,
    )
    return plan
