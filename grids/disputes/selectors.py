"""Reads of disputes, scoped to the user (outside the scope: 404)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from grids import access
from grids.disputes.lifecycle import OPEN, Colour
from grids.disputes.services import REPORT_ROLES, ROLES_FOR
from grids.models import Area, AreaLevel, Dispute


def disputes_for_user(*, user) -> QuerySet[Dispute]:
    if not access.has_role(user, *REPORT_ROLES):
        return Dispute.objects.none()
    return Dispute.objects.filter(access.scope_q(user, path_field="area_path", roles=REPORT_ROLES))


def risk_list(*, user, community: Area | None = None, open_only: bool = True) -> list[Dispute]:
    """The four-colour list: red first, then most recently changed — one query."""
    qs = disputes_for_user(user=user).select_related("area")
    if community is not None:
        qs = qs.filter(area_path__startswith=community.path)
    if open_only:
        qs = qs.filter(status__in=list(OPEN))
    return list(qs.order_by("colour", "-updated_at", "pk")[:500])


def colour_counts(*, user, community: Area | None = None) -> list[dict]:
    """Open disputes per colour — one query."""
    qs = disputes_for_user(user=user).filter(status__in=list(OPEN))
    if community is not None:
        qs = qs.filter(area_path__startswith=community.path)
    counts = dict(qs.order_by().values_list("colour").annotate(n=Count("id")))
    return [{"colour": c.value, "label": c.label, "n": counts.get(c.value, 0)} for c in Colour]


def dispute_for_user(*, user, dispute_id: int) -> Dispute:
    return get_object_or_404(
        disputes_for_user(user=user).select_related("area", "reported_by"), pk=dispute_id
    )


def actions_for(*, user, dispute: Dispute, allowed: list[str]) -> list[str]:
    return [a for a in allowed if access.area_in_scope(user, dispute.area, roles=ROLES_FOR[a])]


def communities_for(*, user) -> list[Area]:
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=REPORT_ROLES),
            level=AreaLevel.COMMUNITY,
        ).order_by("path")
    )


def report_areas(*, user) -> list[Area]:
    """Grids, compounds and micro-grids the user may register a dispute on."""
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=REPORT_ROLES),
            level__gte=AreaLevel.GRID,
        ).order_by("path")[:1000]
    )
