"""Orders' notification outbox: ``core``'s message fields plus the order it is about."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import AbstractOutboxMessage
from orders.models.order import Order


class OutboxMessage(AbstractOutboxMessage):
    """Every message Sidan sends, recorded before it is sent; sent at most once.

    The fields and delivery are ``core``'s (``core.models.AbstractOutboxMessage``,
    ``core.outbox``); this concrete row adds the order a message is about. It is the model
    ``settings.SIDAN_OUTBOX_MODEL`` names."""

    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    class Meta(AbstractOutboxMessage.Meta):
        verbose_name = _("消息")
        verbose_name_plural = _("消息发件箱")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_pending_next",
                condition=Q(status="pending"),
            ),
            # The outbox page's template filter (orders.selectors.outbox.outbox_templates).
            models.Index(fields=["template"], name="outboxmsg_template"),
        ]
