"""Writes to the area tree. Paths are kept here, never in ``save()``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from grids.models import Area, AreaLevel


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
