"""What every order writer shares: the row lock, what the user saw, the change a move
makes, the version, one event row, and text cleaning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TypedDict

from django.utils.translation import gettext as _

from core import clock, writer
from orders import events
from orders.errors import OrderError
from orders.models import Order, OrderEvent


class Seen(TypedDict, total=False):
    """What the user saw when they acted; every move service takes it."""

    expected_status: str | None
    expected_version: int | None


@dataclass
class Change(writer.Change):
    """What a move's ``apply`` decided; ``due_changes`` are the due times it set
    (``deadlines.schedule`` / ``deadlines.extend`` return them), recorded as events."""

    due_changes: list[dict] = field(default_factory=list)


def now() -> datetime:
    # ``core.clock`` lets tests (and the deadline sweep's tests) move time.
    return clock.now()


# What a move, its due times and its messages read off the order.
LOCK_RELATED = ("category", "area", "handler_user", "handler_unit")

mark_locked = writer.mark_locked


def lock_order(order_id: int) -> Order:
    """The order's row, locked for this transaction (``core.writer.lock_row``); an
    ``OrderError("not_found")`` when there is none."""
    return writer.lock_row(
        Order.objects.all(),
        order_id,
        related=LOCK_RELATED,
        missing=lambda: OrderError("not_found", _("工单不存在。")),
    )


def held_order(order: Order) -> Order:
    """``order`` itself, when its row lock is held by the current transaction."""
    return writer.held(order)


def order_version(*, order_id: int) -> int:
    """The id of the order's latest status-changing event: it changes with every move."""
    return (
        OrderEvent.objects.filter(order_id=order_id)
        .exclude(to_status="")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def record_event(order: Order, **fields) -> OrderEvent:
    """Write one event now (the note-like events of notes, the sweep and callbacks);
    ``fields`` as for ``events.event_row``."""
    event = events.event_row(order, at=fields.pop("at", None) or now(), **fields)
    writer.insert_rows(OrderEvent, [event])
    return event


def clean_text(value: str, *, required: bool, what: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise OrderError("missing_" + what, _("请填写%(what)s。") % {"what": _(what)})
    if len(value) > limit:
        raise OrderError("too_long", _("内容太长，请控制在 %(n)s 字以内。") % {"n": limit})
    return value
