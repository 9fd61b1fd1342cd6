"""Reads for the street's follow-up: supervision items (督办) and callbacks (电话回访)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from grids.models import PostRole
from orders import authority
from orders.lifecycle import Status
from orders.models import CallbackStatus, CallbackTask, SupervisionItem

SUPERVISION_ROLES = (PostRole.STREET_OFFICIAL,)
CALLBACK_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)


def supervision_items_for_user(
    *, user, include_resolved: bool = False
) -> QuerySet[SupervisionItem]:
    """Supervision items on orders in the user's street-official scope, with their holders."""
    qs = SupervisionItem.objects.filter(
        authority.order_area_q(user, prefix="order__", roles=SUPERVISION_ROLES)
    ).select_related(
        "order", "order__category", "order__area", "order__handler_user", "order__handler_unit"
    )
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("raised_at", "id")


def callbacks_for_user(*, user) -> QuerySet[CallbackTask]:
    """Pending callbacks on orders still awaiting a rating, in the user's dispatch scope."""
    return (
        CallbackTask.objects.filter(
            authority.order_area_q(user, prefix="order__", roles=CALLBACK_ROLES),
            status=CallbackStatus.PENDING,
            order__status=Status.AWAITING_RATING,
        )
        .select_related(
            "order", "order__category", "order__area", "order__handler_user", "order__handler_unit"
        )
        .order_by("due_at", "id")
    )


def callback_for_user(*, user, task_id: int) -> CallbackTask:
    return get_object_or_404(callbacks_for_user(user=user), pk=task_id)
