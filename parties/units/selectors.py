"""Reads of the co-building alliance, scoped to the user.

Scope: dispatchers and street officials see the units, demand items and projects of the
communities their posts cover; a unit liaison sees only their own unit — its profile,
resources, projects and reconciliation — whatever community their post sits on.
Outside the scope: 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from grids.access import DISPATCH_ROLES, access_for, unit_community_areas
from grids.access import unit_communities as served_communities
from grids.models import Area, MemberUnit, Post, PostRole, paths_q
from parties.units.lifecycle import (
    USING_CAPACITY,
    DemandStatus,
    PartyOrgKind,
    UnitProjectAction,
    UnitProjectStatus,
)
from parties.units.models import (
    DemandItem,
    PartyOrg,
    RotationDuty,
    UnitProject,
    UnitProjectEvent,
    UnitResource,
)

UNIT_PAGE_ROLES = (*DISPATCH_ROLES, PostRole.UNIT_LIAISON)


def _dispatch_paths(user) -> list[str] | None:
    access = access_for(user)
    return None if access.is_superuser else access.paths_for(*DISPATCH_ROLES)


def unit_q(user) -> Q:
    """Units the user may see: of their dispatch communities, or their own unit."""
    paths = _dispatch_paths(user)
    if paths is None:
        return Q()
    q = paths_q(paths, "community__path")
    unit_ids = access_for(user).member_unit_ids()
    if unit_ids:
        q |= Q(pk__in=unit_ids)
    return q


def units_for_user(*, user) -> QuerySet[MemberUnit]:
    return (
        MemberUnit.objects.filter(unit_q(user))
        .select_related("community")
        .annotate(resource_count=Count("resources", distinct=True))
        .order_by("community__path", "name")
    )


def unit_for_user(*, user, unit_id: int) -> MemberUnit:
    return get_object_or_404(
        MemberUnit.objects.filter(unit_q(user)).select_related("community"), pk=unit_id
    )


def unit_liaisons(*, unit: MemberUnit) -> list[Post]:
    return list(
        unit.liaison_posts.select_related("user").filter(user__is_active=True).order_by("pk")
    )


def unit_communities(*, unit: MemberUnit) -> list[Area]:
    """The unit's own community and the communities it is paired with (a paired compound
    brings its community)."""
    return list(unit_community_areas([unit.pk]))


def units_of_community(*, community: Area) -> list[MemberUnit]:
    """The active units of the community's alliance (those that may take its tier-3 orders)."""
    return list(MemberUnit.objects.filter(community=community, is_active=True).order_by("name"))


units_serving = units_of_community


def is_dispatcher_of(user, community: Area) -> bool:
    paths = _dispatch_paths(user)
    return paths is None or any(community.path.startswith(p) for p in paths)


# --- resources and capacity ----------------------------------------------------------------


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )


def resources_of(*, unit: MemberUnit) -> list[UnitResource]:
    return list(
        UnitResource.objects.filter(unit=unit)
        .prefetch_related(Prefetch("communities", queryset=Area.objects.order_by("path")))
        .order_by("-valid_from", "title", "pk")
    )


def resource_serves(*, resource: UnitResource, community: Area, day: dt.date) -> bool:
    return (
        resource.unit.is_active
        and UnitResource.objects.filter(
            valid_on_q(day), pk=resource.pk, communities=community
        ).exists()
    )


def remaining_capacity(*, resources: Iterable[UnitResource], month: dt.date) -> dict[int, int]:
    """Capacity left this month per resource: its monthly capacity less what the month's
    projects (not cancelled) use. One grouped query."""
    resources = list(resources)
    used = dict(
        UnitProject.objects.filter(
            resource__in=[r.pk for r in resources],
            capacity_month=month,
            status__in=list(USING_CAPACITY),
        )
        .values_list("resource_id")
        .annotate(n=Sum("capacity_used"))
    )
    return {r.pk: max(r.capacity_per_month - used.get(r.pk, 0), 0) for r in resources}


def matching_resources(
    *,
    community: Area | int,
    category_code: str,
    day: dt.date,
    unit_ids: Iterable[int] | None = None,
) -> list[tuple[UnitResource, int]]:
    """供需匹配: resources of the category offered to ``community`` on ``day`` with capacity
    left this month, most capacity first (``unit_ids`` narrows to some units)."""
    qs = UnitResource.objects.filter(
        valid_on_q(day),
        category_code=category_code,
        communities=community,
        unit__is_active=True,
    ).select_related("unit")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=list(unit_ids))
    resources = list(qs)
    remaining = remaining_capacity(resources=resources, month=day.replace(day=1))
    rows = [(r, remaining[r.pk]) for r in resources if remaining[r.pk] > 0]
    return sorted(rows, key=lambda row: (-row[1], row[0].unit.name, row[0].pk))


def month_usage(*, unit: MemberUnit, month: dt.date) -> tuple[int, int]:
    """(used, capacity) of the unit's resources in ``month``: capacity of the resources
    valid at any day of the month, use by the month's projects (not cancelled)."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    last_day = next_month - dt.timedelta(days=1)
    capacity = (
        UnitResource.objects.filter(unit=unit, valid_from__lte=last_day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=month))
        .aggregate(n=Sum("capacity_per_month"))["n"]
        or 0
    )
    used = (
        UnitProject.objects.filter(
            unit=unit, capacity_month=month, status__in=list(USING_CAPACITY)
        ).aggregate(n=Sum("capacity_used"))["n"]
        or 0
    )
    return used, capacity


# --- demand items -----------------------------------------------------------------------------


def demands_for_user(*, user, status: str = "") -> QuerySet[DemandItem]:
    """Demand items of the user's dispatch communities; for a unit liaison also the open
    ones of the communities their units serve (what they may claim, 认领), and those
    their units took."""
    paths = _dispatch_paths(user)
    if paths is None:
        qs = DemandItem.objects.all()
    else:
        q = paths_q(paths, "community_path")
        unit_ids = access_for(user).member_unit_ids()
        if unit_ids:
            served = [cid for cid, _path in served_communities(unit_ids)]
            q |= Q(community_id__in=served, status=DemandStatus.OPEN)
            q |= Q(project__unit_id__in=unit_ids)
        qs = DemandItem.objects.filter(q)
    if status in DemandStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("community", "project", "project__unit").order_by("-created_at", "-pk")


def demand_for_user(*, user, demand_id: int) -> DemandItem:
    return get_object_or_404(demands_for_user(user=user), pk=demand_id)


# --- project-list items --------------------------------------------------------------------------


def project_q(user) -> Q:
    paths = _dispatch_paths(user)
    if paths is None:
        return Q()
    q = paths_q(paths, "community_path")
    unit_ids = access_for(user).member_unit_ids()
    if unit_ids:
        q |= Q(unit_id__in=unit_ids)
    return q


def projects_for_user(*, user, status: str = "", unit: MemberUnit | None = None):
    qs = UnitProject.objects.filter(project_q(user))
    if status in UnitProjectStatus.values:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit", "community", "resource").order_by("-created_at", "-pk")


def project_for_user(*, user, project_id: int) -> UnitProject:
    return get_object_or_404(
        UnitProject.objects.filter(project_q(user)).select_related(
            "unit", "community", "resource", "demand"
        ),
        pk=project_id,
    )


def project_events(*, project: UnitProject) -> list[UnitProjectEvent]:
    return list(project.events.select_related("actor").order_by("at", "pk"))


def public_updates(*, project: UnitProject) -> list[UnitProjectEvent]:
    """What residents read: start, progress and completion notes (never who typed them)."""
    return list(
        project.events.filter(
            action__in=[
                UnitProjectAction.START,
                UnitProjectAction.PROGRESS,
                UnitProjectAction.COMPLETE,
            ]
        )
        .exclude(note="")
        .only("action", "at", "note", "project_id")
        .order_by("at", "pk")
    )


WALL_STATUSES = (UnitProjectStatus.IN_PROGRESS, UnitProjectStatus.DONE)


def wall_projects(*, community: Area, limit: int = 50) -> list[UnitProject]:
    """The community wall's project list: under way and done, newest first."""
    return list(
        UnitProject.objects.filter(community=community, status__in=WALL_STATUSES)
        .select_related("unit")
        .annotate(evaluation_count=Count("evaluations"))
        .order_by("-created_at", "-pk")[:limit]
    )


def wall_project(*, community: Area, project_id: int) -> UnitProject:
    return get_object_or_404(
        UnitProject.objects.filter(community=community, status__in=WALL_STATUSES).select_related(
            "unit"
        ),
        pk=project_id,
    )


def evaluation_summary(*, project: UnitProject) -> dict[str, int]:
    return dict(project.evaluations.values_list("rating").annotate(n=Count("pk")))


def has_evaluated(*, project: UnitProject, phone: str) -> bool:
    return bool(phone) and project.evaluations.filter(phone=phone).exists()


# --- rotation -------------------------------------------------------------------------------------


def duty_unit_ids(*, community_id: int, month: dt.date) -> set[int]:
    return set(
        RotationDuty.objects.filter(community_id=community_id, month=month)
        .order_by()
        .values_list("unit_id", flat=True)
    )


def rotation_months(*, community: Area, months: list[dt.date]) -> dict[dt.date, list[str]]:
    """Unit names on duty per month (one query)."""
    rows = RotationDuty.objects.filter(community=community, month__in=months).values_list(
        "month", "unit__name"
    )
    out: dict[dt.date, list[str]] = {m: [] for m in months}
    for month, name in rows.order_by("month", "unit__name"):
        out[month].append(name)
    return out


# --- party organisations --------------------------------------------------------------------------


def community_secretary_id(*, community: Area) -> int | None:
    return (
        PartyOrg.objects.filter(area=community, kind=PartyOrgKind.COMMUNITY_COMMITTEE)
        .values_list("secretary_id", flat=True)
        .first()
    )


def party_orgs_for_user(*, user) -> QuerySet[PartyOrg]:
    access = access_for(user)
    qs = PartyOrg.objects.all()
    if not access.is_superuser:
        qs = qs.filter(paths_q(access.paths, "area_path"))
    return qs.select_related("area", "secretary").order_by("area_path")
