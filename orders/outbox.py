"""Delivering outbox messages, at most once each."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from orders.models import OutboxMessage, OutboxStatus

log = logging.getLogger("sidan.outbox")


def send_console(message: OutboxMessage) -> None:
    log.info("[%s → %s] %s", message.channel, message.recipient, message.body)


def deliver(*, message_id: int) -> None:
    """Send one pending message. The row lock makes a redelivered task a no-op."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != OutboxStatus.PENDING:
            return
        message.attempts += 1
        try:
            send_console(message)
        except Exception as exc:  # a sender failure is recorded, not raised
            message.last_error = f"{type(exc).__name__}: {exc}"
            message.save(update_fields=["attempts", "last_error"])
            return
        message.status = OutboxStatus.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at"])
