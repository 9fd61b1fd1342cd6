"""Reads of meetings, scoped to the user (outside the scope: 404), and the public outcome."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from grids import access
from grids.models import Area, AreaLevel
from orders.meetings.lifecycle import PUBLIC
from orders.meetings.services import MEETING_ROLES
from orders.models import Category, Meeting, Order


def meetings_for_user(*, user) -> QuerySet[Meeting]:
    if not access.has_role(user, *MEETING_ROLES):
        return Meeting.objects.none()
    return Meeting.objects.filter(
        access.scope_q(user, path_field="community_path", roles=MEETING_ROLES)
    )


def meeting_list(*, user) -> list[Meeting]:
    return list(meetings_for_user(user=user).select_related("community")[:200])


def meeting_for_user(*, user, meeting_id: int) -> Meeting:
    return get_object_or_404(
        meetings_for_user(user=user).select_related("community", "convener"), pk=meeting_id
    )


def meeting_orders(*, meeting: Meeting) -> list[Order]:
    """The minutes: every order taken at the meeting, with its live status — one query."""
    return list(
        Order.objects.filter(from_meeting__meeting=meeting)
        .select_related("category", "area")
        .order_by("pk")
    )


def communities_for(*, user) -> list[Area]:
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=MEETING_ROLES),
            level=AreaLevel.COMMUNITY,
        ).order_by("path")
    )


def intake_areas(*, meeting: Meeting) -> list[Area]:
    """Where an order taken at the meeting may be: grids and below in its community."""
    return list(
        Area.objects.filter(
            path__startswith=meeting.community_path, level__gte=AreaLevel.GRID
        ).order_by("path")[:2000]
    )


def active_categories() -> list[Category]:
    return list(Category.objects.filter(is_active=True))


def public_meetings(*, community: Area, limit: int = 10) -> list[Meeting]:
    """Published outcomes with their topics and votes (no attendees, no names) — two queries."""
    return list(
        Meeting.objects.filter(community=community, status__in=list(PUBLIC))
        .prefetch_related("topics")
        .order_by("-held_on", "-pk")[:limit]
    )
