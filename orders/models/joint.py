"""Departments and co-handlers on an order (issue 12, docs/departments.md): the whistle
(小区吹哨、部门报到) and the co-handling units (协办). Their status changes only in
``orders.services.whistles`` and ``orders.services.cohandling``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import CO_OPEN, WHISTLE_OPEN, CoStatus, WhistleStatus
from orders.models.order import Order


class Whistle(models.Model):
    """A dispatcher or street official "blew the whistle" to a functional department: the
    department must report (报到) by ``report_due_at`` and resolve its part by
    ``resolve_due_at``. ``report_sweep_at`` / ``resolve_sweep_at`` are non-null only while
    the sweep's step for that limit is pending (so its index scans touch due rows only)."""

    order = models.ForeignKey(
        Order, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="whistles"
    )
    department = models.ForeignKey(
        "grids.Department",
        verbose_name=_("职能部门"),
        on_delete=models.PROTECT,
        related_name="whistles",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=WhistleStatus.choices, default=WhistleStatus.BLOWN
    )
    note = models.TextField(_("吹哨说明"), max_length=1000)
    blown_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吹哨人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    blown_at = models.DateTimeField(_("吹哨时间"))
    report_due_at = models.DateTimeField(_("报到时限"))
    resolve_due_at = models.DateTimeField(_("部门办结时限"))
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("部门办结时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    result_note = models.TextField(_("部门办理结果"), blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    report_sweep_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolve_sweep_at = models.DateTimeField(null=True, blank=True, editable=False)
    report_overdue_at = models.DateTimeField(_("报到超时于"), null=True, blank=True)
    resolve_overdue_at = models.DateTimeField(_("办结超时于"), null=True, blank=True)

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")
        ordering = ["blown_at", "id"]
        indexes = [
            # The department's inbox: its open whistles, soonest due first.
            models.Index(fields=["department", "status", "blown_at"], name="whistle_dept_status"),
            models.Index(fields=["order", "blown_at"], name="whistle_order_at"),
            models.Index(
                fields=["report_sweep_at"],
                name="whistle_report_sweep",
                condition=Q(report_sweep_at__isnull=False),
            ),
            models.Index(
                fields=["resolve_sweep_at"],
                name="whistle_resolve_sweep",
                condition=Q(resolve_sweep_at__isnull=False),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "department"],
                condition=Q(status__in=list(WHISTLE_OPEN)),
                name="whistle_one_open_per_department",
            ),
            models.CheckConstraint(
                condition=~Q(status=WhistleStatus.RESOLVED) | Q(resolved_at__isnull=False),
                name="whistle_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=WhistleStatus.values), name="whistle_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} → {self.department_id}"

    @property
    def current_due_at(self):
        if self.status == WhistleStatus.BLOWN:
            return self.report_due_at
        if self.status == WhistleStatus.REPORTED:
            return self.resolve_due_at
        return None


class CoHandler(models.Model):
    """A co-handling member unit (协办单位) on an order, beside its lead handler: it signs
    for its part and reports it; the order resolves when the lead reports."""

    order = models.ForeignKey(
        Order, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="cohandlers"
    )
    unit = models.ForeignKey(
        "grids.MemberUnit",
        verbose_name=_("协办单位"),
        on_delete=models.PROTECT,
        related_name="cohandled",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=CoStatus.choices, default=CoStatus.INVITED
    )
    part = models.TextField(_("协办内容"), max_length=1000)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    invited_at = models.DateTimeField(_("邀请时间"))
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    report_note = models.TextField(_("协办结果"), blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协办单位")
        verbose_name_plural = _("协办单位")
        ordering = ["invited_at", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "invited_at"], name="cohandler_unit_status"),
            models.Index(fields=["order", "invited_at"], name="cohandler_order_at"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "unit"],
                condition=Q(status__in=list(CO_OPEN)),
                name="cohandler_one_open_per_unit",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CoStatus.values), name="cohandler_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} + {self.unit_id}"
