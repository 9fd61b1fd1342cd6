"""Reads for households and visits, scoped to the user through ``grids.access``.

Coverage ("share of households visited on time this month"): a household counts as
covered when it has at least one visit in the current calendar month and is not
overdue today (``next_visit_due >= today``). Each figure is one query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import clock
from core.people import person_name
from grids import access
from grids.models import Area, AreaLevel, CareCategory, Household, Post, PostRole, Visit
from grids.visits.services import VISIT_ROLES

DUE_AHEAD_DAYS = 3
# Who sees coverage: grid leaders (their grids and workers), community and street staff.
COVERAGE_ROLES = (PostRole.GRID_LEADER, PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)


def today() -> date:
    return timezone.localdate(clock.now())


def month_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day.replace(day=1), time.min))


def households_for_user(*, user) -> QuerySet[Household]:
    """Households under the user's posts (personal data: only staff whose posts cover it)."""
    if not access.has_role(user, *VISIT_ROLES):
        return Household.objects.none()
    return Household.objects.filter(access.scope_q(user, path_field="area_path", roles=VISIT_ROLES))


def household_for_user(*, user, household_id: int) -> Household:
    return get_object_or_404(households_for_user(user=user).select_related("area"), pk=household_id)


def due_households(*, user, grid: Area | None = None, day: date | None = None) -> list[Household]:
    """Households due within ``DUE_AHEAD_DAYS`` or overdue, most overdue first — one query
    (care categories prefetched: two)."""
    day = day or today()
    qs = households_for_user(user=user).filter(
        next_visit_due__lte=day + timedelta(days=DUE_AHEAD_DAYS)
    )
    if grid is not None:
        qs = qs.filter(area_path__startswith=grid.path)
    rows = list(
        qs.select_related("area").prefetch_related("care").order_by("next_visit_due", "pk")[:500]
    )
    for row in rows:
        row.overdue_days = max((day - row.next_visit_due).days, 0)
        row.is_overdue = row.next_visit_due < day
    return rows


def grids_for_visits(*, user) -> list[Area]:
    """The grids in the user's scope, to pick on the due list."""
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=VISIT_ROLES), level=AreaLevel.GRID
        ).order_by("path")
    )


def grid_for_user(*, user, code: str) -> Area:
    for grid in grids_for_visits(user=user):
        if grid.code == code:
            return grid
    raise Http404


def _count(path_ref: str, *, day: date, covered: bool) -> Subquery:
    qs = Household.objects.filter(area_path__startswith=OuterRef(path_ref))
    if covered:
        qs = qs.filter(next_visit_due__gte=day, last_visit_at__gte=month_start(day))
    counted = qs.order_by().annotate(n=Func(F("id"), function="COUNT")).values("n")
    return Coalesce(Subquery(counted), Value(0))


@dataclass(frozen=True)
class CoverageRow:
    label: str
    code: str
    total: int
    covered: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.covered / self.total) if self.total else None


def coverage_by_area(*, user, level: int, day: date | None = None) -> list[CoverageRow]:
    """Coverage per grid (``AreaLevel.GRID``) or community in the user's scope — one query."""
    day = day or today()
    if not access.has_role(user, *COVERAGE_ROLES):
        return []
    areas = (
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=COVERAGE_ROLES), level=level
        )
        .annotate(
            total=_count("path", day=day, covered=False),
            covered=_count("path", day=day, covered=True),
        )
        .order_by("path")
    )
    return [CoverageRow(a.name, a.code, a.total, a.covered) for a in areas]


def coverage_by_worker(*, user, day: date | None = None) -> list[CoverageRow]:
    """Coverage per grid worker (households of the grids they are posted to) — one query."""
    day = day or today()
    if not access.has_role(user, *COVERAGE_ROLES):
        return []
    posts = (
        Post.objects.filter(
            access.scope_q(user, path_field="area__path", roles=COVERAGE_ROLES),
            role=PostRole.GRID_WORKER,
        )
        .annotate(
            total=_count("area__path", day=day, covered=False),
            covered=_count("area__path", day=day, covered=True),
        )
        .select_related("user", "area")
        .order_by("area__path", "user__username")
    )
    return [
        CoverageRow(
            f"{person_name(p.user)} · {p.area.name}",
            p.area.code,
            p.total,
            p.covered,
        )
        for p in posts
    ]


def recent_visits(*, household: Household, limit: int = 10) -> list[Visit]:
    return list(household.visits.select_related("worker")[:limit])


def care_categories() -> QuerySet[CareCategory]:
    return CareCategory.objects.all()


def overdue_counts_by_worker(*, day: date) -> QuerySet[Post]:
    """Grid-worker posts with how many of their grids' households are overdue (one query);
    read by the daily reminder."""
    overdue = (
        Household.objects.filter(
            area_path__startswith=OuterRef("area__path"), next_visit_due__lt=day
        )
        .order_by()
        .annotate(n=Func(F("id"), function="COUNT"))
        .values("n")
    )
    return (
        Post.objects.filter(role=PostRole.GRID_WORKER, user__is_active=True)
        .annotate(overdue=Coalesce(Subquery(overdue), Value(0)))
        .filter(overdue__gt=0)
        .select_related("user", "area")
        .order_by("user_id", "area__path")
    )
