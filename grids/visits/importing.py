"""Parse and validate a household register (.xlsx or .csv) — no writes.

Reads the file with the area import's machinery (``grids.importing.read_table``,
``header_columns``, ``RowError``) and checks every row: the area code names a
compound/building or micro-grid the user's posts cover, the phone is a mobile number,
the care categories exist, and no room appears twice. ``plan_household_import`` is run
again by ``grids.visits.services.household_import`` inside its transaction before it
writes, so nothing is written unless every row is good.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from grids import access
from grids.importing import (
    MAX_ROWS,
    ImportFileError,
    RowError,
    header_columns,
    read_table,
    row_cell,
)
from grids.models import Area, AreaLevel, CareCategory, Household

HOUSEHOLD_ALIASES: dict[str, tuple[str, ...]] = {
    "area_code": ("区域编码", "楼栋编码", "小区编码", "微网格编码", "area_code", "areacode"),
    "address": ("地址", "住址", "address"),
    "unit_room": ("单元/房号", "单元房号", "房号", "门牌号", "unit_room", "room"),
    "head_name": ("户主", "户主姓名", "head_name", "head"),
    "phone": ("电话", "联系电话", "手机", "phone"),
    "members": ("人数", "家庭人数", "members"),
    "care": ("关怀类别", "特殊人群", "care"),
}
REQUIRED = ("area_code", "address", "unit_room", "head_name")
PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
CARE_SPLIT = re.compile(r"[、,，;；/\s]+")
LIMITS = {
    "address": Household._meta.get_field("address").max_length,
    "unit_room": Household._meta.get_field("unit_room").max_length,
    "head_name": Household._meta.get_field("head_name").max_length,
}
CREATE, UPDATE = "create", "update"


@dataclass
class HouseholdRow:
    line: int
    area_code: str
    address: str
    unit_room: str
    head_name: str
    phone: str
    members_text: str
    care_text: str
    members: int = 1
    area: Area | None = None
    care: list[CareCategory] = field(default_factory=list)
    action: str = ""
    existing_id: int | None = None


@dataclass
class HouseholdPlan:
    rows: list[HouseholdRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def parse_household_file(*, content: bytes, filename: str) -> HouseholdPlan:
    plan = HouseholdPlan()
    try:
        table = iter(read_table(content=content, filename=filename))
        columns = header_columns(
            header=next(table, None), aliases=HOUSEHOLD_ALIASES, required=REQUIRED
        )
        for line, cells in table:
            if len(plan.rows) >= MAX_ROWS:
                raise ImportFileError(_("行数太多，一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
            values = {key: row_cell(cells, columns, key) for key in HOUSEHOLD_ALIASES}
            plan.rows.append(
                HouseholdRow(
                    line=line,
                    area_code=values["area_code"],
                    address=values["address"],
                    unit_room=values["unit_room"],
                    head_name=values["head_name"],
                    phone=values["phone"],
                    members_text=values["members"],
                    care_text=values["care"],
                )
            )
        if not plan.rows:
            raise ImportFileError(_("文件只有表头，没有数据行。"))
    except ImportFileError as exc:
        return HouseholdPlan(errors=[RowError(None, str(exc))])
    return plan


def _row_errors(row: HouseholdRow, care_by_word: dict[str, CareCategory]) -> list[str]:
    errors = []
    labels = {
        "area_code": _("区域编码"),
        "address": _("地址"),
        "unit_room": _("单元/房号"),
        "head_name": _("户主"),
    }
    for key, label in labels.items():
        if not getattr(row, key):
            errors.append(_("缺少%(label)s。") % {"label": label})
        elif key in LIMITS and len(getattr(row, key)) > LIMITS[key]:
            errors.append(
                _("%(label)s太长（最多 %(n)d 个字符）。") % {"label": label, "n": LIMITS[key]}
            )
    if row.phone and not PHONE_RE.match(row.phone):
        errors.append(_("电话“%(value)s”应为 11 位手机号。") % {"value": row.phone[:20]})
    if row.members_text:
        if not row.members_text.isdigit() or not 1 <= int(row.members_text) <= 99:
            errors.append(_("人数应为 1 到 99 的整数。"))
        else:
            row.members = int(row.members_text)
    for word in CARE_SPLIT.split(row.care_text):
        if not word:
            continue
        category = care_by_word.get(word.lower())
        if category is None:
            errors.append(_("未知的关怀类别“%(value)s”。") % {"value": word[:20]})
        elif category not in row.care:
            row.care.append(category)
    return errors


def plan_household_import(*, content: bytes, filename: str, user) -> HouseholdPlan:
    """Parse and validate an upload for ``user`` (four queries whatever its size)."""
    plan = parse_household_file(content=content, filename=filename)
    if not plan.rows:
        return plan
    care_by_word: dict[str, CareCategory] = {}
    for category in CareCategory.objects.all():
        care_by_word[category.name.lower()] = category
        care_by_word[category.code.lower()] = category
    codes = {r.area_code for r in plan.rows if r.area_code}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    existing = {
        (area_id, room): pk
        for pk, area_id, room in Household.objects.filter(area__code__in=codes).values_list(
            "pk", "area_id", "unit_room"
        )
    }
    first_line: dict[tuple[str, str], int] = {}
    for row in plan.rows:
        messages = _row_errors(row, care_by_word)
        area = areas.get(row.area_code)
        if row.area_code and area is None:
            messages.append(_("区域编码“%(code)s”不存在。") % {"code": row.area_code[:40]})
        elif area is not None and area.level < AreaLevel.COMPOUND:
            messages.append(
                _("区域“%(code)s”是%(level)s，住户只能登记在小区/楼栋或微网格上。")
                % {"code": area.code, "level": AreaLevel(area.level).label}
            )
        elif area is not None and not access.area_in_scope(user, area, roles=access.INTAKE_ROLES):
            messages.append(_("区域编码“%(code)s”不在你的管辖范围内。") % {"code": area.code})
        else:
            row.area = area
        key = (row.area_code, row.unit_room)
        if row.area_code and row.unit_room:
            if key in first_line:
                messages.append(
                    _("“%(code)s %(room)s”与第 %(first)d 行重复。")
                    % {"code": row.area_code, "room": row.unit_room, "first": first_line[key]}
                )
            else:
                first_line[key] = row.line
        if row.area is not None:
            row.existing_id = existing.get((row.area.pk, row.unit_room))
            row.action = UPDATE if row.existing_id else CREATE
        plan.errors.extend(RowError(row.line, m) for m in messages)
    return plan
