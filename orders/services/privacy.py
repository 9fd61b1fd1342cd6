"""Writes that protect residents' personal data (PIPL) and moderate the public wall.

- ``resident_erase``: a resident who proved their phone removes their personal data.
  Their orders stay (the community's statistics and the staff's record need them) but
  lose the name and phone; descriptions, results and comments are scrubbed of contact
  details and names; their own photos are deleted; the codes sent to the phone and the
  outbox's copies of their messages are wiped.
- ``anonymise_expired``: the retention rule — closed and cancelled orders older than
  ``SIDAN_RETENTION_DAYS`` lose the name and phone the same way. Idempotent (an
  anonymised order is never picked again) and in bounded batches of row-locked orders.
- ``order_wall_moderate``: staff hide a wall entry or show an edited text instead; the
  resident's own description is never changed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import audit
from core.phones import mask_phone
from core.redact import redact_links
from orders.lifecycle import Status
from orders.models import Order, OrderPhoto, OutboxMessage, PhoneVerification, PhotoKind
from orders.services.common import clean_text
from orders.wall_scrub import scrub

FINISHED = (Status.CLOSED, Status.CANCELLED)


def _anonymise(order: Order, *, now: datetime) -> None:
    names = (order.resident_name,)
    order.description = scrub(order.description, names=names)
    order.result_note = scrub(order.result_note, names=names)
    order.rating_comment = scrub(order.rating_comment, names=names)
    order.wall_text = scrub(order.wall_text, names=names)
    order.resident_phone = ""
    order.resident_name = ""
    order.anonymised_at = now
    order.save(
        update_fields=[
            "description",
            "result_note",
            "rating_comment",
            "wall_text",
            "resident_phone",
            "resident_name",
            "anonymised_at",
            "updated_at",
        ]
    )


def resident_erase(*, phone: str, now: datetime | None = None, ip: str | None = None) -> int:
    """Remove the personal data of the resident with ``phone`` (already proved by the
    caller); returns how many orders were anonymised."""
    now = now or timezone.now()
    if not phone:
        return 0
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(resident_phone=phone).order_by("id"))
        for order in orders:
            _anonymise(order, now=now)
        photos = list(OrderPhoto.objects.filter(order__in=orders, kind=PhotoKind.REPORT))
        PhoneVerification.objects.filter(phone=phone).delete()
        for message in OutboxMessage.objects.filter(recipient=phone):
            message.recipient = mask_phone(phone)
            message.body = redact_links(scrub(message.body))
            message.payload = {}
            message.save(update_fields=["recipient", "body", "payload"])
        for photo in photos:
            photo.image.delete(save=False)
            photo.delete()
        audit.record(
            action="privacy.resident_erase",
            username=mask_phone(phone),
            summary=f"{len(orders)} orders anonymised, {len(photos)} photos deleted",
            ip=ip,
        )
    return len(orders)


def anonymise_expired(
    *, now: datetime | None = None, batch: int | None = None, max_batches: int | None = None
) -> int:
    """Anonymise finished orders past the retention period; returns how many."""
    now = now or timezone.now()
    batch = batch or settings.SIDAN_RETENTION_BATCH
    max_batches = max_batches or settings.SIDAN_RETENTION_MAX_BATCHES
    cutoff = now - timedelta(days=settings.SIDAN_RETENTION_DAYS)
    due = Q(status=Status.CLOSED, closed_at__lt=cutoff) | Q(
        status=Status.CANCELLED, cancelled_at__lt=cutoff
    )
    done = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                Order.objects.filter(due, anonymised_at__isnull=True)
                .order_by("id")
                .values_list("id", flat=True)[:batch]
            )
            if not ids:
                break
            for order in Order.objects.select_for_update().filter(
                pk__in=ids, anonymised_at__isnull=True
            ):
                _anonymise(order, now=now)
                done += 1
    if done:
        audit.record(action="privacy.retention", summary=f"{done} orders anonymised")
    return done


def order_wall_moderate(*, order_id: int, actor, hidden: bool, text: str) -> Order:
    """Hide a wall entry, or show ``text`` instead of the description (blank: the
    resident's own words, scrubbed); the original stays as it was."""
    text = clean_text(text, required=False, what="问题墙显示文字", limit=2000)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        order.wall_hidden = bool(hidden)
        order.wall_text = text
        order.wall_moderated_at = timezone.now()
        order.wall_moderated_by = actor
        order.save(
            update_fields=[
                "wall_hidden",
                "wall_text",
                "wall_moderated_at",
                "wall_moderated_by",
                "updated_at",
            ]
        )
        audit.record(
            action="wall.moderate",
            actor=actor,
            target=order,
            summary=f"{order.reference} hidden={order.wall_hidden} text={text[:200]!r}",
        )
    return order
