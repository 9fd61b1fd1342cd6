"""Reads for supervision, callbacks, the outbox and the three rates, scoped through
``grids.access``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from core.phones import mask_phone
from grids import access
from grids.models import PostRole
from orders.lifecycle import Action, Status
from orders.models import (
    CallbackStatus,
    CallbackTask,
    Order,
    OrderEvent,
    OutboxMessage,
    Rating,
    SupervisionItem,
)

SUPERVISION_ROLES = (PostRole.STREET_OFFICIAL,)
CALLBACK_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)
OUTBOX_ROLES = CALLBACK_ROLES
OTP_TEMPLATE = "otp"
_CODE = re.compile(r"\d{4,8}")


def supervision_items_for_user(
    *, user, include_resolved: bool = False
) -> QuerySet[SupervisionItem]:
    """Supervision items on orders in the user's street-official scope, with their holders."""
    qs = SupervisionItem.objects.filter(
        access.scope_q(user, path_field="order__area__path", roles=SUPERVISION_ROLES)
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
            access.scope_q(user, path_field="order__area__path", roles=CALLBACK_ROLES),
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


def show_otp_codes() -> bool:
    return settings.DEBUG or settings.DJANGO_ENV != "production"


def outbox_for_user(
    *, user, status: str = "", channel: str = "", template: str = ""
) -> QuerySet[OutboxMessage]:
    """Messages about the user's scope; one-time codes (no area) for every outbox viewer."""
    scope = access.scope_q(user, path_field="area_path", roles=OUTBOX_ROLES)
    if access.has_role(user, *OUTBOX_ROLES):
        scope |= Q(template=OTP_TEMPLATE, area_path="")
    qs = OutboxMessage.objects.filter(scope)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if template:
        qs = qs.filter(template=template)
    return qs.order_by("-created_at", "-id")


def outbox_row(message: OutboxMessage) -> dict:
    """What staff see of a message: residents' phones masked; OTP codes only outside production."""
    body = message.body
    if message.template == OTP_TEMPLATE and not show_otp_codes():
        body = _CODE.sub(lambda m: "*" * len(m.group()), body)
    return {"message": message, "recipient": mask_phone(message.recipient), "body": body}


@dataclass(frozen=True)
class Rates:
    """The three rates over the orders whose result was reported in a period."""

    orders: int
    responded: int
    judged: int
    resolved: int
    rated: int
    satisfied: int
    unrated: int

    @staticmethod
    def _pct(part: int, whole: int) -> float | None:
        return round(100 * part / whole, 1) if whole else None

    @property
    def response_rate(self) -> float | None:
        return self._pct(self.responded, self.orders)

    @property
    def resolution_rate(self) -> float | None:
        return self._pct(self.resolved, self.judged)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._pct(self.satisfied, self.rated)


def three_rates(*, area_paths: list[str], start: datetime, end: datetime) -> Rates:
    """响应率 / 解决率 / 满意率 for orders under ``area_paths`` whose result was reported in
    [start, end).

    * response: signed for in time at every tier (no sign-for OVERDUE event);
    * resolution: judged resolved by the resident's rating (满意/基本满意) or, unrated, by a
      reached callback's "resolved"; over the orders with such a judgement;
    * satisfaction: 满意 + 基本满意 over the rated orders (residents' or recorded on a callback).
      Orders closed unrated are never counted as satisfied (they are reported as ``unrated``).
    """
    from grids.models import paths_q

    reported_ids = set(
        OrderEvent.objects.filter(action=Action.RESOLVE, at__gte=start, at__lt=end)
        .filter(paths_q(area_paths, "order__area__path"))
        .values_list("order_id", flat=True)
    )
    rows = list(
        Order.objects.filter(pk__in=reported_ids)
        .exclude(status=Status.CANCELLED)
        .values_list("pk", "rating")
    )
    ids = [pk for pk, _r in rows]
    late = set(
        OrderEvent.objects.filter(
            order_id__in=ids, action=Action.OVERDUE, data__kind="sign"
        ).values_list("order_id", flat=True)
    )
    callback_resolved = dict(
        CallbackTask.objects.filter(
            order_id__in=ids, status=CallbackStatus.DONE, reached=True, resolved__isnull=False
        ).values_list("order_id", "resolved")
    )
    good = {Rating.SATISFIED, Rating.BASIC}
    judged = resolved = rated = satisfied = 0
    for pk, rating in rows:
        if rating:
            rated += 1
            satisfied += rating in good
            judged += 1
            resolved += rating in good
        elif pk in callback_resolved:
            judged += 1
            resolved += bool(callback_resolved[pk])
    return Rates(
        orders=len(rows),
        responded=len(rows) - len(late & set(ids)),
        judged=judged,
        resolved=resolved,
        rated=rated,
        satisfied=satisfied,
        unrated=len(rows) - rated,
    )


def community_rates(*, community, start: datetime, end: datetime) -> Rates:
    """The three rates of one community (an ``Area``) over [start, end)."""
    return three_rates(area_paths=[community.path], start=start, end=end)
