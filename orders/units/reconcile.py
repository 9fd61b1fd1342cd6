"""Monthly reconciliation (对账) of one member unit: figures from the order events.

Each order event records the order's handler *after* the move, so one walk over the
events of the orders the unit ever held (in time order, per order) tells who held the
order before each move:

- received: orders dispatched or escalated to the unit in the month (each order once);
- signed on time: of those signs the unit made in the month, the ones with no sign-for
  overdue event while the unit held the order;
- resolved / resolved on time: the unit's results reported in the month, and those with
  no resolution overdue event while the unit held it;
- returned: returns made in the month by the unit (the handler before the return);
- rated / satisfied: residents' ratings in the month of results the unit reported
  (满意 and 基本满意 count as satisfied);
- projects delivered: the unit's project-list items completed in the month;
- resources used / capacity: ``parties.units.selectors.month_usage``.

Two queries for the orders (the unit's order ids, then their events up to the month's
end, on the ``orderevent_order_at`` index), two for the resources, one for projects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from datetime import datetime, time

from django.utils import timezone

from grids.models import MemberUnit
from orders.events import OVERDUE_KIND_KEY, RATING_KEY
from orders.lifecycle import Action, Status
from orders.models import OrderEvent, Rating
from parties.points import month_range
from parties.units import selectors as unit_selectors
from parties.units.lifecycle import UnitProjectStatus
from parties.units.models import UnitProject

SATISFIED = (Rating.SATISFIED, Rating.BASIC)


@dataclass
class Figures:
    orders_received: int = 0
    signed_on_time: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    returned: int = 0
    rated: int = 0
    satisfied: int = 0
    projects_delivered: int = 0
    resources_used: int = 0
    resources_capacity: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _bounds(month: dt.date) -> tuple[datetime, datetime]:
    start, end = month_range(month)
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tz), datetime.combine(end, time.min, tz)


def unit_month_figures(*, unit: MemberUnit, month: dt.date) -> Figures:
    start, end = _bounds(month)
    figures = Figures()
    order_ids = list(
        OrderEvent.objects.filter(handler_unit_id=unit.pk, at__lt=end)
        .values_list("order_id", flat=True)
        .distinct()
    )
    events = (
        OrderEvent.objects.filter(order_id__in=order_ids, at__lt=end)
        .order_by("order_id", "at", "pk")
        .values_list("order_id", "action", "at", "to_status", "handler_unit_id", "data")
    )
    received: set[int] = set()
    current_order, holder, late_sign, late_resolve, resolver = None, None, False, False, None
    for order_id, action, at, to_status, handler_unit_id, data in events.iterator():
        if order_id != current_order:
            current_order, holder, resolver = order_id, None, None
            late_sign = late_resolve = False
        in_month = at >= start
        held_before = holder == unit.pk
        if action in (Action.DISPATCH, Action.ESCALATE) and handler_unit_id == unit.pk:
            late_sign = late_resolve = False  # a new hand-over: new time limits
            if in_month and to_status == Status.AWAITING_SIGN:
                received.add(order_id)
        elif action == Action.OVERDUE and handler_unit_id == unit.pk:
            if (data or {}).get(OVERDUE_KIND_KEY) == "sign":
                late_sign = True
            else:
                late_resolve = True
        elif action == Action.SIGN and handler_unit_id == unit.pk and in_month:
            figures.signed_on_time += not late_sign
        elif action == Action.RESOLVE and handler_unit_id == unit.pk:
            resolver = unit.pk
            if in_month:
                figures.resolved += 1
                figures.resolved_on_time += not late_resolve
        elif action == Action.RETURN and held_before and in_month:
            figures.returned += 1
        elif action == Action.RATE and resolver == unit.pk:
            if in_month:
                figures.rated += 1
                figures.satisfied += (data or {}).get(RATING_KEY) in SATISFIED
            resolver = None
        holder = handler_unit_id
    figures.orders_received = len(received)
    figures.projects_delivered = UnitProject.objects.filter(
        unit=unit, status=UnitProjectStatus.DONE, done_at__gte=start, done_at__lt=end
    ).count()
    figures.resources_used, figures.resources_capacity = unit_selectors.month_usage(
        unit=unit, month=month
    )
    return figures
