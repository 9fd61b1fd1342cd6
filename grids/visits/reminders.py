"""The daily due-visit reminder: one message per grid worker per day, exactly once.

A swept rule like ``orders/sweep.py``'s: beat runs ``grids.visit_reminders`` every
``SIDAN_VISIT_REMINDER_SECONDS``; from ``SIDAN_VISIT_REMINDER_HOUR`` (local time) on, each
grid worker with overdue households gets one message whose outbox ``dedupe_key`` is
``visit-reminder:<user id>:<local date>``. A second run the same day — or a concurrent one
(the key is unique; the losing insert rolls back its savepoint) — records nothing.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock, outbox
from grids.visits.selectors import overdue_counts_by_worker

TEMPLATE = "visit_reminder"


def reminder_key(*, user_id: int, day) -> str:
    return f"{TEMPLATE}:{user_id}:{day.isoformat()}"


def send_visit_reminders(*, now: datetime | None = None) -> int:
    """Record today's reminders not yet recorded; returns how many were recorded."""
    local = timezone.localtime(now or clock.now())
    if local.hour < settings.SIDAN_VISIT_REMINDER_HOUR:
        return 0
    day = local.date()
    by_user: dict[int, list] = {}
    for post in overdue_counts_by_worker(day=day):
        by_user.setdefault(post.user_id, []).append(post)
    recorded = 0
    for posts in by_user.values():
        user = posts[0].user
        channel, recipient = outbox.staff_address(user)
        body = _("走访提醒：你负责的网格有 %(n)d 户已超期未走访（%(grids)s）。") % {
            "n": sum(p.overdue for p in posts),
            "grids": _("、").join(f"{p.area.name} {p.overdue}" for p in posts),
        }
        try:
            with transaction.atomic():
                message = outbox.queue_message(
                    recipient=recipient,
                    channel=channel,
                    template=TEMPLATE,
                    body=body,
                    area_path=posts[0].area.path,
                    dedupe_key=reminder_key(user_id=user.pk, day=day),
                )
        except IntegrityError:  # a concurrent run recorded it first
            message = None
        recorded += message is not None
    return recorded
