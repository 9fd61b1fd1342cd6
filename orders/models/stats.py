"""The figures' rollup (issue 9): counts per area node × day × category, and its fill state.

Maintained only by ``orders.stats.rollup.fill`` (a Celery beat task); read by
``orders.stats``. Figures never scan the orders table per request.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.order import Category


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


class FillState(models.Model):
    """How far the rollup has read the event log (Zulip analytics' FillState)."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
    filled_at = models.DateTimeField(null=True, blank=True)
    running = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("统计填充状态")
        verbose_name_plural = _("统计填充状态")
