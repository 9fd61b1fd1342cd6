"""Helpers for the staff-side view tests."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from orders import services
from orders.lifecycle import Tier
from orders.models import Order

HX = {"HTTP_HX_REQUEST": "true"}


def board_refs(html: str) -> list[str]:
    """The references of the board's rows, in order (not those a row merely links to,
    such as a probable repeat's original)."""
    return re.findall(r'<tr data-order="\d+">\s*<td>.*?>([A-Z]+-\d{8}-\d{4})</a>', html, re.S)


def dispatched(world, **place) -> Order:
    """An order dispatched to the world's property manager (awaiting sign-for)."""
    order = world.place(**place)
    return services.order_dispatch(
        order_id=order.pk,
        actor=world.dispatcher,
        tier=Tier.PROPERTY,
        handler_user=world.property_manager,
    )


def signed(world, **place) -> Order:
    order = dispatched(world, **place)
    return services.order_sign(order_id=order.pk, actor=world.property_manager)


def extension_requested(world) -> Order:
    order = signed(world)
    return services.order_request_extension(
        order_id=order.pk,
        actor=world.property_manager,
        until=timezone.now() + timedelta(days=20),
        reason="等待配件",
    )


def resolved(world) -> Order:
    order = signed(world)
    return services.order_resolve(
        order_id=order.pk, actor=world.property_manager, result_note="已修好"
    )


def act_url(order: Order, action: str) -> str:
    return f"/staff/orders/{order.pk}/act/{action}/"
