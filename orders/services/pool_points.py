"""Points for a pool order (党员接单) closed with a satisfied rating, through the ledger's
one writer (``parties.points``): once per order (source ``order:<id>``), and only when
the member who claimed it is the one who resolved it (a redo handled by someone else
earns them nothing). Called by ``order_rate`` inside its transaction."""

from __future__ import annotations

from django.conf import settings

from orders.models import Order, Rating
from parties.models import PointKind
from parties.points import points_award


def pool_rule_points(rating: str) -> int:
    """Points a pool order rated ``rating`` earns (积分规则, from settings)."""
    return {
        Rating.SATISFIED: settings.SIDAN_POINTS_POOL_ORDER,
        Rating.BASIC: settings.SIDAN_POINTS_POOL_ORDER_BASIC,
    }.get(rating, 0)


def award_pool_points(order: Order) -> None:
    member = order.pool_member
    if member is None or order.handler_user_id != member.user_id:
        return
    points_award(
        member=member,
        kind=PointKind.POOL_ORDER,
        source=f"order:{order.pk}",
        points=pool_rule_points(order.rating),
        note=order.reference,
    )
