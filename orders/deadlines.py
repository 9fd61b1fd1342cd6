"""Due times for sign-for and resolution."""

from __future__ import annotations

from datetime import datetime, timedelta

from orders.models import Order


def sign_due(*, order: Order, start: datetime) -> datetime:
    return start + timedelta(hours=order.category.sign_for_hours)


def resolve_due(*, order: Order, start: datetime) -> datetime:
    return start + timedelta(hours=order.category.resolve_hours)
