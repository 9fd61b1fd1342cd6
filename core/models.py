"""The notification outbox's fields and statuses (delivery: ``core.outbox``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class AbstractOutboxMessage(models.Model):
    """Every message Sidan sends, recorded before it is sent; sent at most once.

    Abstract: the concrete model (``settings.SIDAN_OUTBOX_MODEL``) adds what its messages
    are about (``orders.OutboxMessage`` adds the order)."""

    recipient = models.CharField(_("收件人"), max_length=200)
    channel = models.CharField(_("渠道"), max_length=16)  # console | email | sms
    template = models.CharField(_("模板"), max_length=60)
    payload = models.JSONField(default=dict, blank=True)
    body = models.TextField(_("内容"))
    # Area path the message concerns, so staff see only their scope's outbox.
    area_path = models.CharField(max_length=255, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # When a pending message may next be tried (exponential backoff after a failure).
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)

    class Meta:
        abstract = True
