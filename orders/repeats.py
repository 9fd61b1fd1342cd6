"""Repeated requests (线上最多反映一次): is a new order probably the same matter as an
open one?

A probable repeat is an order of the same community, not closed or cancelled, placed
from the same phone within ``PHONE_DAYS`` days, or at the same place (the same
micro-grid or other area node) in the same category within ``PLACE_DAYS`` days. The
writer (``services.order_place``) asks once, at placement, and keeps the answer on the
order (``Order.repeat_of``); a dispatcher then merges it (``services.order_merge``) or
keeps both (``services.order_keep_both``). Two index range reads at most
(``order_phone_placed``, ``order_area_cat_placed``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orders.lifecycle import FINAL_STATUSES
from orders.models import Order

PHONE_DAYS = 30
PLACE_DAYS = 7


def probable_original(
    *,
    community_id: int | None,
    area_id: int,
    category_id: int,
    resident_phone: str,
    now: datetime,
    exclude_id: int | None = None,
) -> Order | None:
    """The earliest open order the new one probably repeats, or None."""
    open_orders = Order.objects.exclude(status__in=list(FINAL_STATUSES)).filter(
        community_id=community_id
    )
    if exclude_id is not None:
        open_orders = open_orders.exclude(pk=exclude_id)
    if resident_phone:
        same_phone = (
            open_orders.filter(
                resident_phone=resident_phone, placed_at__gte=now - timedelta(days=PHONE_DAYS)
            )
            .order_by("placed_at", "id")
            .first()
        )
        if same_phone is not None:
            return same_phone
    return (
        open_orders.filter(
            area_id=area_id,
            category_id=category_id,
            placed_at__gte=now - timedelta(days=PLACE_DAYS),
        )
        .order_by("placed_at", "id")
        .first()
    )
