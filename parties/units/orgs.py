"""The party organisation tree (街道党工委 → 社区党委 → 网格党支部 → 楼栋党小组 →
党员中心户), one organisation per area node, imported from a spreadsheet like the area
tree: parsing with ``grids.importing``'s reader, every row checked, nothing written
unless every row is good (``party_org_import`` checks the file again in its transaction).

Columns: 区域编码 (the area node), 组织名称, 书记 (the secretary's username, optional: a
staff user holding a post). The kind follows the area's level; the parent organisation is
the one of the parent area — already there or another row of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
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
from grids.models import Area, PostRole
from parties.units.lifecycle import PartyOrgKind
from parties.units.models import PartyOrg

ORG_ALIASES: dict[str, tuple[str, ...]] = {
    "area_code": ("区域编码", "编码", "area_code", "areacode"),
    "name": ("组织名称", "名称", "党组织", "name"),
    "secretary": ("书记", "书记账号", "secretary"),
}
REQUIRED = ("area_code", "name")
NAME_LIMIT = PartyOrg._meta.get_field("name").max_length
IMPORT_ROLES = (PostRole.STREET_OFFICIAL, PostRole.COMMUNITY_DISPATCHER)
CREATE, UPDATE = "create", "update"


class OrgImportError(Exception):
    """The file did not pass the checks: nothing was written."""


@dataclass
class OrgRow:
    line: int
    area_code: str
    name: str
    secretary_name: str
    area: Area | None = None
    secretary: object | None = None
    action: str = ""

    @property
    def kind_label(self) -> str:
        return PartyOrgKind(self.area.level).label if self.area else ""


@dataclass
class OrgPlan:
    rows: list[OrgRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)


def parse_org_file(*, content: bytes, filename: str) -> OrgPlan:
    plan = OrgPlan()
    try:
        table = iter(read_table(content=content, filename=filename))
        columns = header_columns(header=next(table, None), aliases=ORG_ALIASES, required=REQUIRED)
        for line, cells in table:
            if len(plan.rows) >= MAX_ROWS:
                raise ImportFileError(_("行数太多，一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
            values = {key: row_cell(cells, columns, key) for key in ORG_ALIASES}
            plan.rows.append(
                OrgRow(
                    line=line,
                    area_code=values["area_code"],
                    name=values["name"],
                    secretary_name=values["secretary"],
                )
            )
        if not plan.rows:
            raise ImportFileError(_("文件只有表头，没有数据行。"))
    except ImportFileError as exc:
        return OrgPlan(errors=[RowError(None, str(exc))])
    return plan


def plan_org_import(*, content: bytes, filename: str, user) -> OrgPlan:
    """Parse and check an upload for ``user`` (a fixed number of queries)."""
    plan = parse_org_file(content=content, filename=filename)
    if not plan.rows:
        return plan
    codes = {r.area_code for r in plan.rows if r.area_code}
    areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
    parent_ids = {a.parent_id for a in areas.values() if a.parent_id}
    existing = {
        o.area_id: o
        for o in PartyOrg.objects.filter(area_id__in={a.pk for a in areas.values()} | parent_ids)
    }
    names = {r.secretary_name for r in plan.rows if r.secretary_name}
    staff = {
        u.username: u
        for u in get_user_model()
        .objects.filter(username__in=names, is_active=True, posts__isnull=False)
        .distinct()
    }
    in_file: dict[int, int] = {}
    for row in plan.rows:
        messages = []
        area = areas.get(row.area_code)
        if not row.area_code:
            messages.append(_("缺少区域编码。"))
        elif area is None:
            messages.append(_("区域编码“%(code)s”不存在。") % {"code": row.area_code[:40]})
        elif not access.area_in_scope(user, area, roles=IMPORT_ROLES):
            messages.append(_("区域编码“%(code)s”不在你的管辖范围内。") % {"code": area.code})
        elif area.pk in in_file:
            messages.append(
                _("区域“%(code)s”与第 %(first)d 行重复。")
                % {"code": area.code, "first": in_file[area.pk]}
            )
        else:
            in_file[area.pk] = row.line
            row.area = area
        if not row.name:
            messages.append(_("缺少组织名称。"))
        elif len(row.name) > NAME_LIMIT:
            messages.append(_("组织名称太长（最多 %(n)d 个字符）。") % {"n": NAME_LIMIT})
        if row.secretary_name:
            row.secretary = staff.get(row.secretary_name)
            if row.secretary is None:
                messages.append(
                    _("书记“%(name)s”不是在岗的工作人员账号。") % {"name": row.secretary_name[:40]}
                )
        if row.area is not None:
            row.action = UPDATE if row.area.pk in existing else CREATE
        plan.errors.extend(RowError(row.line, m) for m in messages)
    for row in plan.rows:
        area = row.area
        if area is None or area.parent_id is None:
            continue
        if area.parent_id not in existing and area.parent_id not in in_file:
            plan.errors.append(
                RowError(
                    row.line,
                    _("上级区域还没有党组织：请先导入或在同一文件中列出。"),
                )
            )
    plan.errors.sort(key=lambda e: e.line or 0)
    return plan


@dataclass
class OrgImportResult:
    created: int
    updated: int


def party_org_import(*, user, content: bytes, filename: str) -> OrgImportResult:
    """Write the tree: every row or none, parents before children."""
    with transaction.atomic():
        plan = plan_org_import(content=content, filename=filename, user=user)
        if not plan.is_valid:
            raise OrgImportError(_("文件未通过校验，没有导入任何数据。"))
        by_area = {
            o.area_id: o
            for o in PartyOrg.objects.select_for_update().filter(
                area_id__in={r.area.pk for r in plan.rows}
                | {r.area.parent_id for r in plan.rows if r.area.parent_id}
            )
        }
        created = updated = 0
        for row in sorted(plan.rows, key=lambda r: r.area.level):
            org = by_area.get(row.area.pk)
            if org is None:
                org = PartyOrg(area=row.area, area_path=row.area.path, kind=row.area.level)
                created += 1
            else:
                updated += 1
            org.name, org.secretary = row.name, row.secretary
            org.area_path = row.area.path
            org.parent = by_area.get(row.area.parent_id) if row.area.parent_id else None
            org.save()
            by_area[row.area.pk] = org
    return OrgImportResult(created=created, updated=updated)
