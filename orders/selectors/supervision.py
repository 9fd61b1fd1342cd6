"""Reads for the street's follow-up: supervision items (督办) and callbacks (电话回访)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from grids import access
from grids.models import Area, AreaLevel, PostRole
from orders import authority
from orders.lifecycle import Status
from orders.models import CallbackStatus, CallbackTask, SupervisionItem, SupervisionKind

SUPERVISION_ROLES = (PostRole.STREET_OFFICIAL,)
CALLBACK_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)


def supervision_items_for_user(
    *,
    user,
    include_resolved: bool = False,
    community_id: int | None = None,
    kind: str = "",
) -> QuerySet[SupervisionItem]:
    """Supervision items on orders in the user's street-official scope, with their holders;
    optionally of one community (the order's indexed ``community_id``) and one kind. The
    community's name comes from ``supervision_communities`` (a seventh table in the join
    tripled the statement's planning time)."""
    qs = SupervisionItem.objects.filter(
        authority.order_area_q(user, prefix="order__", roles=SUPERVISION_ROLES)
    ).select_related(
        "order",
        "order__category",
        "order__area",
        "order__handler_user",
        "order__handler_unit",
    )
    if not include_resolved:
        qs = qs.filter(resolved_at__isnull=True)
    if community_id is not None:
        qs = qs.filter(order__community_id=community_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("raised_at", "id")


def supervision_communities(*, user) -> list[Area]:
    """The communities of the user's street-official scope, for the filter — one query."""
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=SUPERVISION_ROLES),
            level=AreaLevel.COMMUNITY,
        ).order_by("path")
    )


# The kinds that say an order is late: the label holds only while it still is.
LATE_KINDS = {
    SupervisionKind.OVERDUE: (Status.IN_PROGRESS, Status.EXTENSION_REQUESTED),
    SupervisionKind.SIGN_OVERDUE: (Status.AWAITING_SIGN,),
    SupervisionKind.DISPATCH_OVERDUE: (Status.AWAITING_DISPATCH,),
}


def still_late(item: SupervisionItem, *, now) -> bool:
    """Whether the lateness an item was raised for still holds (kinds not about lateness:
    always). An overdue order since resolved, or given a later limit, is no longer late."""
    statuses = LATE_KINDS.get(item.kind)
    if statuses is None:
        return True
    order = item.order
    due = order.current_due_at
    if item.kind == SupervisionKind.OVERDUE and order.status == Status.AWAITING_DISPATCH:
        statuses = (Status.AWAITING_DISPATCH,)  # escalated back to the queue, still late
    return order.status in statuses and due is not None and due < now


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
