"""What the street follows up: supervision items (督办) and callbacks (电话回访)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.joint import Whistle
from orders.models.order import Order, Rating


class SupervisionKind(models.TextChoices):
    OVERDUE = "overdue", _("超期未办结")
    SIGN_OVERDUE = "sign_overdue", _("最高层级超时未签收")
    REPEAT_DISSATISFIED = "repeat_dissatisfied", _("重复不满意")
    DISPATCH_OVERDUE = "dispatch_overdue", _("超时未派单")
    # Raised by a street official by hand, on any order in their scope.
    MANUAL = "manual", _("街道交办督办")
    WHISTLE_REPORT_OVERDUE = "whistle_report", _("吹哨超时未报到")
    WHISTLE_RESOLVE_OVERDUE = "whistle_resolve", _("吹哨超时未办结")


class SupervisionItem(models.Model):
    """A matter the street supervises (督办): at most one open item per order and kind."""

    order = models.ForeignKey(
        Order, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="supervision_items"
    )
    kind = models.CharField(_("类型"), max_length=24, choices=SupervisionKind.choices)
    raised_at = models.DateTimeField(_("发起时间"), db_index=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(_("督办意见"), blank=True)
    # The whistle a whistle-overdue item is about (one open item per whistle and kind).
    whistle = models.ForeignKey(
        Whistle,
        verbose_name=_("吹哨"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="supervision_items",
    )

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-raised_at", "-id"]
        # The street's open items, oldest first (supervision list): the closed history
        # is not walked (docs/scale.md).
        indexes = [
            models.Index(
                fields=["raised_at", "id"],
                condition=Q(resolved_at__isnull=True),
                name="supervision_open_raised",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(resolved_at__isnull=True, whistle__isnull=True),
                name="supervision_one_open_per_kind",
            ),
            models.UniqueConstraint(
                fields=["whistle", "kind"],
                condition=Q(resolved_at__isnull=True, whistle__isnull=False),
                name="supervision_one_open_per_whistle",
            ),
        ]


class CallbackStatus(models.TextChoices):
    PENDING = "pending", _("待回访")
    DONE = "done", _("已回访")
    EXPIRED = "expired", _("评价期已过")


class CallbackTask(models.Model):
    """A phone call back (电话回访) to a resident who has not rated the result."""

    order = models.ForeignKey(
        Order, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="callbacks"
    )
    due_at = models.DateTimeField(_("应回访时间"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=CallbackStatus.choices, default=CallbackStatus.PENDING
    )
    reached = models.BooleanField(_("是否联系上"), null=True, blank=True)
    resolved = models.BooleanField(_("问题是否解决"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices, blank=True)
    note = models.TextField(_("回访记录"), blank=True, max_length=1000)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回访任务")
        verbose_name_plural = _("回访任务")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="pending"),
                name="callback_one_pending_per_order",
            ),
        ]
