"""A grid visit whose need becomes an order in the same step (channel: grid visit).

The visit is written by ``grids.visits.services.visit_log`` and the order by
``order_place``, both inside one transaction: either both exist or neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from grids.models import Visit
from grids.visits.services import VisitError, visit_log
from orders.errors import OrderError
from orders.models import Category, Channel, Nature, Order, Urgency, VisitOrder
from orders.services.lifecycle import order_place


@dataclass(frozen=True)
class VisitResult:
    visit: Visit
    order: Order | None


def visit_with_order(
    *,
    household_id: int,
    worker,
    kind: str,
    found: str,
    need: str = "",
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
) -> VisitResult:
    """Log a visit; with ``category``, its ``need`` is placed as an order for the household.

    Raises ``VisitError`` or ``OrderError``; nothing is written then."""
    with transaction.atomic():
        visit = visit_log(
            household_id=household_id, worker=worker, kind=kind, found=found, need=need
        )
        if category is None:
            return VisitResult(visit=visit, order=None)
        household = visit.household
        if not visit.need:
            raise VisitError("need_required", _("转为工单时请填写发现的需求。"))
        if not household.phone:
            raise VisitError(
                "phone_required", _("这户没有登记联系电话，不能转为工单；请先记为需求。")
            )
        order = order_place(
            category=category,
            area=household.area,
            description=visit.need,
            resident_phone=household.phone,
            resident_name=household.head_name,
            nature=Nature.HELP,
            urgency=urgency,
            channel=Channel.GRID_VISIT,
            placed_by=worker,
        )
        VisitOrder.objects.create(visit=visit, order=order)
    return VisitResult(visit=visit, order=order)


__all__ = ["OrderError", "VisitError", "VisitResult", "visit_with_order"]
