"""Writes for households and visits: registering, care categories, the import, a visit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock, writer
from core.errors import DomainError
from grids import access
from grids.models import Area, AreaLevel, CareCategory, Household, Visit, VisitKind
from grids.visits import due

# Who may log a visit or keep the household register: posts on the grid and below, and
# the community/street staff above them.
VISIT_ROLES = access.INTAKE_ROLES
MAX_TEXT = 1000


class VisitError(DomainError):
    pass


def _clean(text: str, *, what: str, required: bool) -> str:
    text = (text or "").replace("\x00", "").strip()
    if required and not text:
        raise VisitError("required", _("请填写%(what)s。") % {"what": what})
    if len(text) > MAX_TEXT:
        raise VisitError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": MAX_TEXT})
    return text


def _schedule(household: Household, *, every_days: int) -> None:
    """Set the interval and the next due date from the last visit (or registration)."""
    household.visit_every_days = every_days
    since = (
        timezone.localdate(household.last_visit_at)
        if household.last_visit_at
        else timezone.localdate(household.created_at or clock.now())
    )
    household.next_visit_due = due.next_due(since=since, every_days=every_days)


def household_create(
    *,
    area: Area,
    address: str,
    unit_room: str,
    head_name: str,
    phone: str = "",
    members: int = 1,
    care: Iterable[CareCategory] = (),
) -> Household:
    if area.level < AreaLevel.COMPOUND:
        raise VisitError("bad_area", _("住户只能登记在小区/楼栋或微网格上。"))
    care = list(care)
    household = Household(
        area=area,
        area_path=area.path,
        address=address,
        unit_room=unit_room,
        head_name=head_name,
        phone=phone,
        members=members,
        created_at=clock.now(),
    )
    _schedule(household, every_days=due.interval_days(c.visit_every_days for c in care))
    with transaction.atomic():
        household.save(force_insert=True)
        if care:
            household.care.set(care)
    return household


def household_set_care(*, household: Household, care: Iterable[CareCategory]) -> Household:
    """Change a household's care categories; its interval and due date follow."""
    care = list(care)
    with transaction.atomic():
        household = writer.lock_row(
            Household.objects.all(),
            household.pk,
            missing=lambda: VisitError("not_found", _("住户不存在。")),
        )
        household.care.set(care)
        _schedule(household, every_days=due.interval_days(c.visit_every_days for c in care))
        household.save(update_fields=["visit_every_days", "next_visit_due"])
    return household


def visit_log(
    *,
    household_id: int,
    worker,
    kind: str,
    found: str,
    need: str = "",
    at: datetime | None = None,
) -> Visit:
    """Record a visit to a household the worker's posts cover; moves its due date on.

    Must be called inside a transaction when it is part of a larger step (the visit that
    places an order: ``orders.services.visit_with_order``)."""
    if kind not in VisitKind.values:
        raise VisitError("bad_kind", _("请选择走访方式。"))
    found = _clean(found, what=_("走访情况"), required=True)
    need = _clean(need, what=_("发现的需求"), required=False)
    at = at or clock.now()
    with transaction.atomic():
        household = writer.lock_row(
            Household.objects.all(),
            household_id,
            related=("area",),
            missing=lambda: VisitError("not_found", _("住户不存在。")),
        )
        if not access.area_in_scope(worker, household.area, roles=VISIT_ROLES):
            raise VisitError("not_found", _("住户不存在。"))
        on_time = timezone.localdate(at) <= household.next_visit_due
        visit = Visit.objects.create(
            household=household,
            area_path=household.area_path,
            worker=worker,
            kind=kind,
            visited_at=at,
            found=found,
            need=need,
            on_time=on_time,
        )
        if household.last_visit_at is None or at > household.last_visit_at:
            household.last_visit_at = at
            _schedule(household, every_days=household.visit_every_days)
            household.save(update_fields=["last_visit_at", "next_visit_due"])
    return visit


@dataclass(frozen=True)
class HouseholdImportResult:
    created: int
    updated: int


def household_import(*, user, content: bytes, filename: str) -> HouseholdImportResult:
    """Import a household register: every row or none (validated again here)."""
    from grids.visits.importing import CREATE, plan_household_import

    with transaction.atomic():
        plan = plan_household_import(content=content, filename=filename, user=user)
        if not plan.is_valid:
            raise VisitError(
                "invalid_file",
                "；".join(
                    e.message if e.line is None else f"{e.line}: {e.message}"
                    for e in plan.errors[:20]
                )
                or _("文件没有数据行。"),
            )
        created = updated = 0
        for row in plan.rows:
            if row.action == CREATE:
                household_create(
                    area=row.area,
                    address=row.address,
                    unit_room=row.unit_room,
                    head_name=row.head_name,
                    phone=row.phone,
                    members=row.members,
                    care=row.care,
                )
                created += 1
            else:
                household = Household.objects.get(pk=row.existing_id)
                household.address, household.head_name = row.address, row.head_name
                household.phone, household.members = row.phone, row.members
                household.save(update_fields=["address", "head_name", "phone", "members"])
                household_set_care(household=household, care=row.care)
                updated += 1
    return HouseholdImportResult(created=created, updated=updated)
