"""The notification outbox's fields and statuses (delivery: ``core.outbox``), and the audit log."""

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


class AuditEntry(models.Model):
    """One line of the audit log: who did what to which object, when, from where.

    Append-only, enforced by the database (triggers made by ``core/migrations/0001_audit``:
    PostgreSQL raises on UPDATE and DELETE, SQLite aborts them). Not a foreign key to the
    user: deleting an account must not touch the log, so the actor's id and username at
    the time are copied.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True, db_index=True)
    actor = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    summary = models.TextField(_("摘要"), blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action}"
