"""The notification outbox: messages are recorded inside the transaction that caused them
(``queue_message``) and delivered by a Celery task after commit, at most once each, retried
with exponential backoff.

``deliver`` locks the message row and sends only a pending message whose next attempt is
due, so a redelivered task, a retry from the sweep and a second worker all see the row
already sent (or not yet due) and do nothing. A failure is recorded with the next attempt
time; after ``SIDAN_OUTBOX_MAX_ATTEMPTS`` the message is marked failed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from core import clock, writer
from core.models import OutboxStatus
from core.senders import sender_for

log = logging.getLogger("sidan.outbox")


def outbox_model() -> type[models.Model]:
    """The concrete outbox model, ``settings.SIDAN_OUTBOX_MODEL`` ("app_label.Model")."""
    return apps.get_model(settings.SIDAN_OUTBOX_MODEL)


_muted: ContextVar[bool] = ContextVar("sidan_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """Record and send nothing in this block: the demo's made-up history is not news."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


@shared_task(name="orders.deliver_message", ignore_result=True)
def deliver_message(message_id: int) -> None:
    """The delivery task (its name predates ``core``; queued tasks keep working)."""
    deliver(message_id=message_id)


def enqueue(message_id: int) -> None:
    """Hand a recorded message to a worker; runs after commit (tests swap it for an outage)."""
    deliver_message.delay(message_id)


def queue_message(
    *,
    recipient: str,
    channel: str,
    template: str,
    body: str,
    area_path: str = "",
    payload: dict | None = None,
    dedupe_key: str | None = None,
    **about: models.Model | None,
):
    """Record a message and deliver it after commit; returns the row, or None when
    notifications are muted or ``dedupe_key`` was used before. ``about`` are the concrete
    model's own foreign keys (``order=`` for ``orders.OutboxMessage``)."""
    if _muted.get():
        return None
    model = outbox_model()
    fields = dict(
        recipient=recipient,
        channel=channel,
        template=template,
        body=body,
        area_path=area_path,
        payload=payload or {},
        dedupe_key=dedupe_key,
        next_attempt_at=clock.now(),
        **about,
    )
    if writer.active_bulk() is not None:
        # A batch (``core.writer.bulk_writes``): the dedupe check and the insert happen for
        # the whole batch at its flush; the row returned is unsaved until then.
        message = model(**fields)
        writer.insert_unique(message, unique="dedupe_key", then=lambda m: _module_enqueue(m.pk))
        return message
    if dedupe_key and model.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = model.objects.create(**fields)
    # robust: a broker that is down must not break the caller; the sweep retries the row.
    writer.after_commit(lambda: _module_enqueue(message.pk))
    return message


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: base · 2^(attempts-1), capped."""
    seconds = settings.SIDAN_OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.SIDAN_OUTBOX_BACKOFF_MAX_SECONDS))


def deliver(*, message_id: int, now: datetime | None = None) -> str:
    """Try to send one message; returns its status afterwards ("" when it does not exist)."""
    now = now or clock.now()
    with transaction.atomic():
        message = outbox_model().objects.select_for_update().filter(pk=message_id).first()
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
        outbox_model()
        .objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=cutoff)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        deliver(message_id=message_id, now=now)
    return len(ids)


def _module_enqueue(message_id: int) -> None:
    # Looked up at call time so a test's monkeypatch of ``enqueue`` is seen.
    enqueue(message_id)


def staff_address(user) -> tuple[str, str]:
    """(channel, recipient) for a staff user, per ``SIDAN_STAFF_CHANNEL``."""
    if settings.SIDAN_STAFF_CHANNEL == "email" and user.email:
        return "email", user.email
    return "console", user.username
