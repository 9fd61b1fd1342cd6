"""Notifications: recorded in the outbox inside the transaction that caused them, then
delivered by a Celery task after commit (the outbox row is the record; a lost message
is retried from it, a redelivered one is sent at most once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from grids.models import Post
from orders import clock, memo
from orders.lifecycle import Action
from orders.models import Order, OrderEvent, OutboxMessage, Rating


def tracking_url(order: Order) -> str:
    return settings.SIDAN_PUBLIC_BASE_URL.rstrip("/") + reverse(
        "orders:track", args=[order.tracking_token]
    )


_muted: ContextVar[bool] = ContextVar("sidan_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Record and send nothing in this block: the demo's made-up history is not news."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def queue_message(
    *,
    recipient: str,
    channel: str,
    template: str,
    body: str,
    order: Order | None = None,
    area_path: str = "",
    payload: dict | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Record a message and deliver it after commit. A repeated ``dedupe_key`` records nothing."""
    if _muted.get():
        return None
    if dedupe_key and OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = OutboxMessage.objects.create(
        recipient=recipient,
        channel=channel,
        template=template,
        body=body,
        order=order,
        area_path=area_path or (order.area.path if order else ""),
        payload=payload or {},
        dedupe_key=dedupe_key,
        next_attempt_at=clock.now(),
    )
    # robust: a broker that is down must not break the caller; the sweep retries the row.
    transaction.on_commit(lambda: _enqueue(message.pk), robust=True)
    return message


def _enqueue(message_id: int) -> None:
    from orders.tasks import deliver_message

    deliver_message.delay(message_id)


def _staff_recipients(order: Order) -> list:
    if order.handler_user_id:
        return [order.handler_user]
    if order.handler_unit_id:
        unit_id = order.handler_unit_id
        return list(memo.remembered(("unit_liaisons", unit_id), lambda: _unit_liaisons(unit_id)))
    return []


def _unit_liaisons(unit_id: int) -> list:
    return [p.user for p in Post.objects.filter(member_unit_id=unit_id).select_related("user")]


def staff_address(user) -> tuple[str, str]:
    """(channel, recipient) for a staff user, per ``SIDAN_STAFF_CHANNEL``."""
    if settings.SIDAN_STAFF_CHANNEL == "email" and user.email:
        return "email", user.email
    return "console", user.username


def tell_staff(users, *, order: Order, template: str, body: str, key: str) -> None:
    """One message per user, deduplicated on ``key`` and the user."""
    for user in users:
        channel, recipient = staff_address(user)
        queue_message(
            recipient=recipient,
            channel=channel,
            template=template,
            order=order,
            body=body,
            dedupe_key=f"{template}:{key}:{user.pk}",
        )


def after_event(event: OrderEvent) -> None:
    """Messages an order event causes. Runs inside the event's transaction.

    Messages are written in the site's language, not in the language of whoever caused
    them: a resident's SMS must not turn English because a staff member reads English.
    """
    with translation.override(settings.LANGUAGE_CODE):
        _messages_for(event)


def _messages_for(event: OrderEvent) -> None:
    order = event.order
    if (
        event.action == Action.RATE
        and event.data.get("rating") == Rating.DISSATISFIED
        and event.data.get("redo_count", 0) >= 2
    ):
        # A second dissatisfied rating on the same order is supervised by the street.
        from orders import deadline_services

        deadline_services.raise_supervision(order=order, kind="repeat_dissatisfied", at=event.at)
    if event.action == Action.PLACE:
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="order_placed",
            order=order,
            body=_("【四单】您的诉求已受理，编号 %(ref)s。查看进度：%(url)s")
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"placed:{order.pk}",
        )
    elif event.action in (Action.DISPATCH, Action.ESCALATE) and event.to_status == "awaiting_sign":
        for user in _staff_recipients(order):
            queue_message(
                recipient=user.username,
                channel="console",
                template="order_assigned",
                order=order,
                body=_("【四单】新工单 %(ref)s（%(cat)s）待您签收。")
                % {"ref": order.reference, "cat": order.category.name},
                dedupe_key=f"assigned:{event.pk}:{user.pk}",
            )
    elif event.action == Action.RESOLVE:
        queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="rating_request",
            order=order,
            body=_("【四单】您的诉求 %(ref)s 已办理完毕，请评价：%(url)s")
            % {"ref": order.reference, "url": tracking_url(order)},
            dedupe_key=f"rating_request:{event.pk}",
        )
