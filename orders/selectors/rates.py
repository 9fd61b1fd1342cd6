"""The three rates (响应率 / 解决率 / 满意率) over the orders reported in a period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q

from grids.models import PATH_SEPARATOR, Area
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

    The orders are those with a RESOLVE event in the period (an order redone after a
    dissatisfied rating still counts where its result was reported), read as ONE aggregate
    statement: the period's resolve events by the ``orderevent_action_at`` index, their
    orders by primary key and scope (the order's own street or community id), the sign-for
    OVERDUE events and the callbacks as per-order index probes — no scan of events by area.
    """
    good = [Rating.SATISFIED, Rating.BASIC]
    reported = OrderEvent.objects.filter(action=Action.RESOLVE, at__gte=start, at__lt=end)
    late = OrderEvent.objects.filter(
        order_id=OuterRef("pk"),
        action=Action.OVERDUE,
        **{f"data__{events.OVERDUE_KIND_KEY}": "sign"},
    )
    called = CallbackTask.objects.filter(
        order_id=OuterRef("pk"), status=CallbackStatus.DONE, reached=True, resolved__isnull=False
    )
    unrated = Q(rating="")
    row = (
        Order.objects.filter(order_paths_q(area_paths), pk__in=reported.values("order_id"))
        .exclude(status=Status.CANCELLED)
        .aggregate(
            orders=Count("id"),
            late=Count("id", filter=Exists(late)),
            rated=Count("id", filter=~unrated),
            satisfied=Count("id", filter=Q(rating__in=good)),
            called=Count("id", filter=unrated & Exists(called)),
            called_resolved=Count("id", filter=unrated & Exists(called.filter(resolved=True))),
        )
    )
    return Rates(
        orders=row["orders"],
        responded=row["orders"] - row["late"],
        judged=row["rated"] + row["called"],
        resolved=row["satisfied"] + row["called_resolved"],
        rated=row["rated"],
        satisfied=row["satisfied"],
        unrated=row["orders"] - row["rated"],
    )


def order_paths_q(paths: list[str]) -> Q:
    """Orders under any of ``paths``: a street or community path matches the order's own
    ``street_id`` / ``community_id`` (indexed); a deeper one the area's path; "" everything."""
    q = Q(pk__in=[])
    for path in paths:
        depth = path.count(PATH_SEPARATOR)
        if path == "":
            return Q()
        if depth == 1:
            q |= Q(street_id__in=Area.objects.filter(path=path).values("id"))
        elif depth == 2:
            q |= Q(community_id__in=Area.objects.filter(path=path).values("id"))
        else:
            q |= Q(area__path__startswith=path)
    return q


def community_rates(*, community, start: datetime, end: datetime) -> Rates:
    """The three rates of one community (an ``Area``) over [start, end)."""
    return three_rates(area_paths=[community.path], start=start, end=end)
