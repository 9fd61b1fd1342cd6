"""Delivering outbox messages: at most once each, retried with exponential backoff.

``deliver`` locks the message row and sends only a pending message whose next attempt is
due, so a redelivered task, a retry from the sweep and a second worker all see the row
already sent (or not yet due) and do nothing. A failure is recorded with the next attempt
time; after ``SIDAN_OUTBOX_MAX_ATTEMPTS`` the message is marked failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from orders import clock
from orders.models import OutboxMessage, OutboxStatus
from orders.senders import sender_for

log = logging.getLogger("sidan.outbox")


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: base · 2^(attempts-1), capped."""
    seconds = settings.SIDAN_OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.SIDAN_OUTBOX_BACKOFF_MAX_SECONDS))


def deliver(*, message_id: int, now: datetime | None = None) -> str:
    """Try to send one message; returns its status afterwards ("" when it does not exist)."""
    now = now or clock.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return ""
        if message.status != OutboxStatus.PENDING or message.next_attempt_at > now:
            return message.status
        message.attempts += 1
        try:
            sender_for(message.channel).send(message)
        except Exception as exc:  # a sender failure is recorded, not raised
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= settings.SIDAN_OUTBOX_MAX_ATTEMPTS:
                message.status = OutboxStatus.FAILED
                log.warning("outbox message %s failed for good: %s", message.pk, message.last_error)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
            message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
            return message.status
        message.status = OutboxStatus.SENT
        message.sent_at = now
        message.save(update_fields=["attempts", "status", "sent_at"])
        return message.status


def retry_due(*, now: datetime | None = None, limit: int = 200) -> int:
    """Send pending messages whose attempt is due and whose own task has had its chance
    (lost in a Redis flush, a failed attempt waiting for backoff). Returns how many were tried."""
    now = now or clock.now()
    cutoff = now - timedelta(seconds=settings.SIDAN_OUTBOX_GRACE_SECONDS)
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        deliver(message_id=message_id, now=now)
    return len(ids)
