"""Writes to the area tree. Paths are kept here, never in ``save()``."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from grids.access import forget_access
from grids.models import ROLE_LEVEL, Area, AreaLevel, MemberUnit, Post, PostRole


def _check_level(*, level: int, parent: Area | None) -> None:
    if parent is None and level != AreaLevel.STREET:
        raise ValidationError(_("只有街道可以没有上级。"))
    if parent is not None and level != parent.level + 1:
        raise ValidationError(
            _("%(level)s 的上级必须是%(expected)s。")
            % {"level": AreaLevel(level).label, "expected": AreaLevel(level - 1).label}
        )


@transaction.atomic
def area_create(*, code: str, name: str, level: int, parent: Area | None) -> Area:
    _check_level(level=level, parent=parent)
    area = Area(
        code=code, name=name, level=level, parent=parent, path=Area.build_path(parent, code)
    )
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def area_update(*, area: Area, code: str, name: str, parent: Area | None) -> Area:
    """Rename, recode or move a node; descendants' paths follow in one UPDATE."""
    if parent is not None and (parent.pk == area.pk or parent.path.startswith(area.path)):
        raise ValidationError(_("不能把区域移到它自己的下级。"))
    _check_level(level=area.level, parent=parent)
    old_path = area.path
    new_path = Area.build_path(parent, code)
    area.code, area.name, area.parent, area.path = code, name, parent, new_path
    area.full_clean()
    area.save()
    if new_path != old_path:
        Area.objects.filter(path__startswith=old_path).exclude(pk=area.pk).update(
            path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1))
        )
    return area


def areas_bulk_create(
    *, nodes: list[tuple[str, str, int, str | None]], batch_size: int = 1000
) -> int:
    """Create many nodes at once, given as ``(code, name, level, parent_code)``.

    Parents come either earlier in ``nodes`` or from the database; nodes are written
    level by level (a topological order, since a child is always one level below its
    parent) with their paths precomputed. The caller validates codes, names and levels
    (``grids.importing`` does); the database constraints back the tree's shape.
    """
    if not nodes:
        return 0
    parent_codes = {p for _c, _n, _l, p in nodes if p}
    known: dict[str, tuple[int, str]] = {
        code: (pk, path)
        for pk, code, path in Area.objects.filter(code__in=parent_codes).values_list(
            "id", "code", "path"
        )
    }
    created = 0
    for level in AreaLevel:
        batch = [n for n in nodes if n[2] == level]
        if not batch:
            continue
        objs = []
        for code, name, lvl, parent_code in batch:
            parent_id, parent_path = known[parent_code] if parent_code else (None, "")
            objs.append(
                Area(
                    code=code,
                    name=name,
                    level=lvl,
                    parent_id=parent_id,
                    path=parent_path + code + "/",
                )
            )
        Area.objects.bulk_create(objs, batch_size=batch_size)
        created += len(objs)
        # Read the ids back rather than rely on the backend returning them from INSERT.
        codes = [o.code for o in objs]
        for start in range(0, len(codes), batch_size):
            chunk = codes[start : start + batch_size]
            known.update(
                {
                    code: (pk, path)
                    for pk, code, path in Area.objects.filter(code__in=chunk).values_list(
                        "id", "code", "path"
                    )
                }
            )
    return created


@dataclass(frozen=True)
class AreaImportResult:
    created: int
    renamed: int
    unchanged: int


@transaction.atomic
def area_import(*, user, content: bytes, filename: str) -> AreaImportResult:
    """Import an area-tree file: all of it or nothing.

    The file is parsed and validated again here, inside the transaction, whatever a
    preview said before: the stored upload is not trusted, and the tree may have
    changed since.
    """
    from grids.importing import CREATE, UNCHANGED, UPDATE, plan_area_import

    plan = plan_area_import(content=content, filename=filename, user=user)
    if not plan.is_valid:
        raise ValidationError(
            [e.message if e.line is None else f"{e.line}: {e.message}" for e in plan.errors[:50]]
            or _("文件没有数据行。")
        )
    creates = plan.rows_with(CREATE)
    created = areas_bulk_create(
        nodes=[(r.code, r.name, r.level, r.parent_code or None) for r in creates]
    )
    renames = plan.rows_with(UPDATE)
    if renames:
        areas = {a.code: a for a in Area.objects.filter(code__in=[r.code for r in renames])}
        for row in renames:
            areas[row.code].name = row.name
        Area.objects.bulk_update(list(areas.values()), ["name"], batch_size=1000)
    return AreaImportResult(
        created=created, renamed=len(renames), unchanged=len(plan.rows_with(UNCHANGED))
    )


def post_check(
    *, role: str, area: Area, member_unit: MemberUnit | None = None, department=None
) -> None:
    """Refuse a post whose node is of the wrong level for the role, or a bad member unit
    or department."""
    if role not in PostRole.values:
        raise ValidationError({"role": _("未知岗位。")})
    expected = ROLE_LEVEL[role]
    if area.level != expected:
        raise ValidationError(
            {
                "area": _("%(role)s只能设在%(level)s上，而“%(area)s”是%(actual)s。")
                % {
                    "role": PostRole(role).label,
                    "level": AreaLevel(expected).label,
                    "area": area.name,
                    "actual": AreaLevel(area.level).label,
                }
            }
        )
    if role == PostRole.UNIT_LIAISON:
        if member_unit is None:
            raise ValidationError({"member_unit": _("成员单位联络员必须选择成员单位。")})
        if member_unit.community_id != area.pk:
            raise ValidationError(
                {"member_unit": _("所选成员单位不属于“%(area)s”。") % {"area": area.name}}
            )
    elif member_unit is not None:
        raise ValidationError({"member_unit": _("只有成员单位联络员需要填写成员单位。")})
    if role == PostRole.DEPARTMENT_STAFF:
        if department is None:
            raise ValidationError({"department": _("职能部门工作人员必须选择职能部门。")})
        if department.street_id != area.pk:
            raise ValidationError(
                {"department": _("所选职能部门不服务“%(area)s”。") % {"area": area.name}}
            )
    elif department is not None:
        raise ValidationError({"department": _("只有职能部门工作人员需要填写职能部门。")})


@transaction.atomic
def post_create(
    *, user, role: str, area: Area, member_unit: MemberUnit | None = None, department=None
) -> Post:
    """Give ``user`` a role on ``area``; the level must be the role's level (``ROLE_LEVEL``)."""
    post_check(role=role, area=area, member_unit=member_unit, department=department)
    if Post.objects.filter(user=user, role=role, area=area).exists():
        raise ValidationError(
            _("该用户已在“%(area)s”担任%(role)s。")
            % {"area": area.name, "role": PostRole(role).label}
        )
    post = Post.objects.create(
        user=user, role=role, area=area, member_unit=member_unit, department=department
    )
    forget_access(user)
    return post
