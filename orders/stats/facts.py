"""What each order contributes to the figures, day by day (the one place that reads raw rows).

Every figure of ``orders.stats.figures`` is a ratio or sum of integer *measures*. An order
contributes measures to cells ``(day, area, category)``: the day (Asia/Shanghai) of the
event that decides the measure, the order's own area node (usually a micro-grid) and its
category. The same function feeds the figures computed from raw orders and the rollup
(``orders.stats.rollup``), so both count exactly the same things.

Which day a measure belongs to (the period rule of each figure):

* placement: ``received``, ``repeated``, ``nature:*``, ``channel:*``, ``hour:*`` and the
  outcome of the orders received — ``received_closed``, ``received_cancelled`` (an order
  received in May and closed in June counts as closed for May once it is closed);
* first dispatch: ``dispatched`` and what became of those orders — ``responded`` (signed
  for, or returned, with no sign-for overdue at any tier), ``sign_missed`` (a sign-for
  overdue at any tier), ``overdue`` (any overdue), ``returned`` (returned at least once);
* the event itself: each judgement (``judged``/``solved`` from a resident's rating or a
  reached callback; ``rated``/``sat:*``), each result report (``resolutions``,
  ``resolutions_on_time``), each close (``closed``, ``closed_redone``, ``closed_tier:N``),
  each extension request/approval, each cancellation (``cancel:<reason>``);
* durations are counted on the day the measured step ended (``dur_<step>_sum`` in
  seconds, ``dur_<step>_n`` and histogram buckets ``dur_<step>_b<i>``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from orders import events as ev
from orders.lifecycle import Action, Status
from orders.models import Order, OrderEvent

REPEAT_WINDOW = timedelta(days=30)

# Histogram bucket upper bounds (minutes) for durations: medians are read off these.
BUCKET_MINUTES = (15, 30, 60, 120, 240, 480, 720, 1440, 2880, 4320, 10080, 21600, 43200)
DURATIONS = ("dispatch", "sign", "resolve", "response")

# Staff actions that count as the first response to the resident.
RESPONSE_ACTIONS = frozenset(
    {
        Action.DISPATCH,
        Action.SIGN,
        Action.RETURN,
        Action.NOTE,
        Action.RESOLVE,
        Action.CANCEL,
    }
)

Cell = tuple[date, int, int]  # (day, area_id, category_id)


def day_of(moment: datetime) -> date:
    """The Asia/Shanghai calendar day of ``moment`` (the period boundary rule)."""
    return timezone.localtime(moment).date()


def bucket_of(seconds: float) -> int:
    minutes = seconds / 60
    for index, bound in enumerate(BUCKET_MINUTES):
        if minutes <= bound:
            return index
    return len(BUCKET_MINUTES)


@dataclass(frozen=True)
class OrderRow:
    pk: int
    area_id: int
    category_id: int
    nature: str
    channel: str
    status: str
    cancel_reason: str
    tier: int | None
    placed_at: datetime
    repeated: bool
    redo_count: int = 0


def _duration(out: dict, cell_day: date, key: str, seconds: float) -> None:
    seconds = max(0.0, seconds)
    out[(cell_day, f"dur_{key}_sum")] += int(seconds)
    out[(cell_day, f"dur_{key}_n")] += 1
    out[(cell_day, f"dur_{key}_b{bucket_of(seconds)}")] += 1


def contributions(order: OrderRow, order_events: list[OrderEvent]) -> Counter:
    """``{(day, measure): value}`` for one order and its events (in time order)."""
    out: Counter = Counter()
    placed_day = day_of(order.placed_at)
    out[(placed_day, "received")] += 1
    out[(placed_day, f"nature:{order.nature}")] += 1
    out[(placed_day, f"channel:{order.channel}")] += 1
    out[(placed_day, f"hour:{timezone.localtime(order.placed_at).hour}")] += 1
    if order.repeated:
        out[(placed_day, "repeated")] += 1
    if order.status == Status.CLOSED:
        out[(placed_day, "received_closed")] += 1
    if order.status == Status.CANCELLED:
        out[(placed_day, "received_cancelled")] += 1

    first_dispatch = first_sign = first_resolve = first_response = None
    sign_missed = overdue = returned = signed_or_returned = False
    resolve_late_since_last = False
    for event in order_events:
        action, data = event.action, event.data or {}
        day = day_of(event.at)
        if action == Action.DISPATCH and first_dispatch is None:
            first_dispatch = event
        if action in (Action.SIGN, Action.RETURN):
            signed_or_returned = True
        if action == Action.SIGN and first_sign is None:
            first_sign = event
        if action == Action.RETURN:
            returned = True
        if action == Action.OVERDUE:
            overdue = True
            if data.get(ev.OVERDUE_KIND_KEY) == "sign":
                sign_missed = True
            else:
                resolve_late_since_last = True
        if first_response is None and action in RESPONSE_ACTIONS and event.actor_kind != "resident":
            first_response = event
        if action == Action.RESOLVE:
            if first_resolve is None:
                first_resolve = event
            out[(day, "resolutions")] += 1
            if not resolve_late_since_last:
                out[(day, "resolutions_on_time")] += 1
            resolve_late_since_last = False
        if action == Action.RATE:
            rating, solved = data.get(ev.RATING_KEY) or "", data.get(ev.SOLVED_KEY)
            _judgement(out, day, rating=rating, solved=solved)
            if event.to_status == Status.CLOSED:
                _closed(out, day, event, order)
        if action == Action.CLOSE_UNRATED:
            _closed(out, day, event, order)
        if action == Action.CALLBACK and data.get("reached") and not data.get(ev.RATED_ORDER_KEY):
            _judgement(out, day, rating=data.get(ev.RATING_KEY) or "", solved=data.get("resolved"))
        if action == Action.REQUEST_EXTENSION:
            out[(day, "extensions")] += 1
        if action == Action.APPROVE_EXTENSION:
            out[(day, "extensions_approved")] += 1
        if action == Action.CANCEL:
            out[(day, f"cancel:{order.cancel_reason or 'other'}")] += 1
            out[(day, "cancelled")] += 1

    if first_dispatch is not None:
        day = day_of(first_dispatch.at)
        out[(day, "dispatched")] += 1
        if sign_missed:
            out[(day, "sign_missed")] += 1
        elif signed_or_returned:
            out[(day, "responded")] += 1
        if overdue:
            out[(day, "overdue")] += 1
        if returned:
            out[(day, "returned")] += 1
        _duration(out, day, "dispatch", (first_dispatch.at - order.placed_at).total_seconds())
    if first_sign is not None and first_dispatch is not None:
        _duration(
            out, day_of(first_sign.at), "sign", (first_sign.at - first_dispatch.at).total_seconds()
        )
    if first_resolve is not None:
        seconds = (first_resolve.at - order.placed_at).total_seconds()
        _duration(out, day_of(first_resolve.at), "resolve", seconds)
    if first_response is not None:
        seconds = (first_response.at - order.placed_at).total_seconds()
        _duration(out, day_of(first_response.at), "response", seconds)
    return out


def _judgement(out: Counter, day: date, *, rating: str, solved: bool | None) -> None:
    if solved is not None:
        out[(day, "judged")] += 1
        out[(day, "solved")] += bool(solved)
    if rating:
        out[(day, "rated")] += 1
        out[(day, f"sat:{rating}")] += 1


def _closed(out: Counter, day: date, event: OrderEvent, order: OrderRow) -> None:
    out[(day, "closed")] += 1
    if order.redo_count > 0:
        out[(day, "closed_redone")] += 1
    tier = event.tier or order.tier
    if tier:
        out[(day, f"closed_tier:{tier}")] += 1


def repeated_q() -> Exists:
    """An earlier order within 30 days from the same phone, or in the same area node (the
    micro-grid) with the same category: the order is a repeated request."""
    earlier = Order.objects.filter(
        placed_at__lt=OuterRef("placed_at"),
        placed_at__gte=OuterRef("placed_at") - REPEAT_WINDOW,
    ).filter(
        Q(resident_phone=OuterRef("resident_phone"))
        | Q(area_id=OuterRef("area_id"), category_id=OuterRef("category_id"))
    )
    return Exists(earlier.exclude(pk=OuterRef("pk")).exclude(resident_phone=""))


HandlerKey = tuple[int | None, int | None]  # (handler user, member unit): one is set


def _holder(event: OrderEvent) -> HandlerKey | None:
    if event.handler_user_id or event.handler_unit_id:
        return (event.handler_user_id, event.handler_unit_id)
    return None


def handler_contributions(order_events: list[OrderEvent]) -> Counter:
    """``{(day, handler, measure): value}``: what each handler the order passed through
    is assessed on (a handler's own figures and the ranking of property managers and
    member units).

    A *holding* starts when the order is dispatched or escalated to a handler and ends at
    the next assignment, return or close. On the holding's first day it counts
    ``dispatched``, then ``responded`` (signed for or returned with no sign-for overdue
    during the holding) or ``sign_missed``, ``returned`` and ``overdue``. A result the
    handler reports counts on the report's day (``resolutions``, and
    ``resolutions_on_time`` with no resolution overdue during the holding). A resident's
    rating or a reached callback judges the result reported last, so it counts for that
    handler on the judgement's day (``judged``/``solved``, ``rated``/``sat:*``)."""
    out: Counter = Counter()
    holder: HandlerKey | None = None
    start = None
    missed = responded = late = overdue = False
    last_resolver: HandlerKey | None = None
    for event in order_events:
        action, data = event.action, event.data or {}
        day = day_of(event.at)
        if action in (Action.DISPATCH, Action.ESCALATE):
            holder, start = _holder(event), day
            missed = responded = late = overdue = False
            if holder:
                out[(start, holder, "dispatched")] += 1
            continue
        if holder is None:
            if action == Action.RATE:
                _judged_by(
                    out, day, last_resolver, data.get(ev.RATING_KEY), data.get(ev.SOLVED_KEY)
                )
            elif (
                action == Action.CALLBACK
                and data.get("reached")
                and not data.get(ev.RATED_ORDER_KEY)
            ):
                _judged_by(out, day, last_resolver, data.get(ev.RATING_KEY), data.get("resolved"))
            continue
        if action == Action.OVERDUE:
            if not overdue:
                out[(start, holder, "overdue")] += 1
                overdue = True
            if data.get(ev.OVERDUE_KIND_KEY) == "sign":
                if not missed and not responded:
                    out[(start, holder, "sign_missed")] += 1
                missed = True
            else:
                late = True
        elif action in (Action.SIGN, Action.RETURN):
            if not missed and not responded:
                out[(start, holder, "responded")] += 1
            responded = True
            if action == Action.RETURN:
                out[(start, holder, "returned")] += 1
                holder = None
        elif action == Action.RESOLVE:
            out[(day, holder, "resolutions")] += 1
            if not late:
                out[(day, holder, "resolutions_on_time")] += 1
            last_resolver = holder
            holder = None  # awaiting the rating: the holding is over
        elif action in (Action.CANCEL, Action.CLOSE_UNRATED):
            holder = None
    return out


def _judged_by(out: Counter, day: date, handler, rating, solved) -> None:
    if handler is None:
        return
    judged: Counter = Counter()
    _judgement(judged, day, rating=rating or "", solved=solved)
    for (d, measure), value in judged.items():
        out[(d, handler, measure)] += value


def _events_by_order(chunk: list[int]) -> dict[int, list[OrderEvent]]:
    by_order: dict[int, list[OrderEvent]] = defaultdict(list)
    for event in (
        OrderEvent.objects.filter(order_id__in=chunk)
        .only(
            "order_id",
            "action",
            "actor_kind",
            "at",
            "to_status",
            "tier",
            "data",
            "handler_user_id",
            "handler_unit_id",
        )
        .order_by("order_id", "at", "id")
    ):
        by_order[event.order_id].append(event)
    return by_order


def order_handler_contributions(order_ids: Iterable[int]) -> dict[int, Counter]:
    """``handler_contributions`` of the given orders: one query per 2,000 orders."""
    ids = sorted(set(order_ids))
    result: dict[int, Counter] = {pk: Counter() for pk in ids}
    for start in range(0, len(ids), 2000):
        for pk, order_events in _events_by_order(ids[start : start + 2000]).items():
            result[pk] = handler_contributions(order_events)
    return result


def order_contributions(order_ids: Iterable[int]) -> dict[int, tuple[OrderRow, Counter]]:
    """Contributions of the given orders: two queries per 2,000 orders."""
    ids = sorted(set(order_ids))
    result: dict[int, tuple[OrderRow, Counter]] = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = {
            r["pk"]: OrderRow(
                pk=r["pk"],
                area_id=r["area_id"],
                category_id=r["category_id"],
                nature=r["nature"],
                channel=r["channel"],
                status=r["status"],
                cancel_reason=r["cancel_reason"],
                tier=r["tier"],
                placed_at=r["placed_at"],
                repeated=r["repeated"],
                redo_count=r["redo_count"],
            )
            for r in Order.objects.filter(pk__in=chunk)
            .annotate(repeated=repeated_q())
            .values(
                "pk",
                "area_id",
                "category_id",
                "nature",
                "channel",
                "status",
                "cancel_reason",
                "tier",
                "placed_at",
                "repeated",
                "redo_count",
            )
        }
        by_order = _events_by_order(chunk)
        for pk, row in rows.items():
            result[pk] = (row, contributions(row, by_order[pk]))
    return result


def cells_of(row: OrderRow, counts: Counter) -> Counter:
    """``{(day, area_id, category_id, measure): value}`` of one order's contributions."""
    return Counter(
        {(day, row.area_id, row.category_id, m): v for (day, m), v in counts.items() if v}
    )
