"""Reads of notices: staff (scoped) and public (valid, not withdrawn; pinned first)."""

from __future__ import annotations

from django.db.models import QuerySet

from grids import access
from grids.models import Area
from orders.models import Notice, NoticeSubscription
from orders.notices.services import STAFF_ROLES


def notices_for_user(*, user) -> QuerySet[Notice]:
    if not access.has_role(user, *STAFF_ROLES):
        return Notice.objects.none()
    return Notice.objects.filter(
        access.scope_q(user, path_field="community_path", roles=STAFF_ROLES)
    )


def notice_list(*, user) -> list[Notice]:
    return list(
        notices_for_user(user=user).select_related("community").prefetch_related("targets")[:200]
    )


def public_notices(*, community: Area, day) -> list[Notice]:
    return list(
        Notice.objects.filter(
            community=community,
            withdrawn_at__isnull=True,
            valid_from__lte=day,
            valid_until__gte=day,
        ).prefetch_related("targets")[:50]
    )


def is_subscribed(*, community: Area, phone: str) -> bool:
    return (
        bool(phone) and NoticeSubscription.objects.filter(community=community, phone=phone).exists()
    )
