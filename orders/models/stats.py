"""The figures' rollup (issue 9): counts per area node × day × category, and its fill state.

Maintained only by ``orders.stats.rollup.fill`` (a Celery beat task); read by
``orders.stats``. Figures never scan the orders table per request.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import clock
from orders.models.order import Category, Order


class DailyCount(models.Model):
    """The measures (``orders.stats.facts``) of one area node, one day, one category."""

    day = models.DateField(_("日期"))
    area = models.ForeignKey("grids.Area", on_delete=models.CASCADE, related_name="+")
    # The area's path, copied so a subtree's rows are one indexed prefix range.
    area_path = models.CharField(max_length=255)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("统计日汇总")
        verbose_name_plural = _("统计日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "area", "category"], name="dailycount_unique_cell"
            )
        ]
        indexes = [models.Index(fields=["area_path", "day"], name="dailycount_path_day")]


class MonthlyCount(models.Model):
    """The same measures summed per month, per area node at street, community and grid
    level (every ancestor of the orders' own nodes down to the grid), per category — the
    rows the dashboards read for whole months, so a street's year is a few hundred rows
    whatever the number of orders. Kept equal to the sum of ``DailyCount`` by the fill
    (each daily cell's change is added to its ancestors' month rows in the same
    transaction). Also holds ``received_wd<0-6>``: orders received per weekday."""

    month = models.DateField(_("月份"))  # the first day of the month
    area = models.ForeignKey("grids.Area", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("统计月汇总")
        verbose_name_plural = _("统计月汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "category"], name="monthlycount_unique_cell"
            )
        ]


class HandlerFact(models.Model):
    """One order's measures for one handler (a staff user or a member unit) in one month
    (``orders.stats.facts.handler_contributions``): what the handlers' own figures and
    the ranking of property managers and member units sum. Rewritten per order by the
    fill, like the day rows."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("月份"))
    handler_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    handler_unit = models.ForeignKey(
        "grids.MemberUnit", null=True, on_delete=models.CASCADE, related_name="+"
    )
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("承办方统计")
        verbose_name_plural = _("承办方统计")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handler_user__isnull=True) ^ models.Q(handler_unit__isnull=True),
                name="handlerfact_one_handler",
            )
        ]
        indexes = [
            models.Index(fields=["handler_user", "month"], name="handlerfact_user_month"),
            models.Index(fields=["handler_unit", "month"], name="handlerfact_unit_month"),
        ]


class FillState(models.Model):
    """How far the rollup has read the event log (Zulip analytics' FillState)."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    filled_at = models.DateTimeField(null=True, blank=True)
    running = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("统计填充状态")
        verbose_name_plural = _("统计填充状态")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """A large Excel export run by a Celery task (``orders.export_job``): the list's
    parameters, the user who asked (the only one who may download it, and whose scope
    the rows are read in when the task runs), progress and the finished file."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20, default="figure_orders")
    params = models.JSONField(default=dict)
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        indexes = [models.Index(fields=["user", "-created_at"], name="exportjob_user_created")]

    @property
    def finished(self) -> bool:
        return self.status in (ExportStatus.DONE, ExportStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, round(100 * self.rows_done / self.rows_total)) if self.rows_total else 0
