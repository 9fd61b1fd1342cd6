"""The three rates (响应率 / 解决率 / 满意率) over the orders reported in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grids.models import paths_q
from orders import events
from orders.lifecycle import Action, Status
from orders.models import CallbackStatus, CallbackTask, Order, OrderEvent, Rating


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
            order_id__in=ids, action=Action.OVERDUE, **{f"data__{events.OVERDUE_KIND_KEY}": "sign"}
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
