"""Time limits: the deadline policy per category and urgency, and the working-day
calendar's exceptions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.models.order import Category, Urgency


class DeadlineUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟（全天候）")
    HOURS = "hours", _("小时（全天候）")
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")


class SignOverdueAction(models.TextChoices):
    ESCALATE = "escalate", _("自动升级")
    RETURN_TO_DISPATCHER = "return_to_dispatcher", _("退回派单员")


class DeadlinePolicy(models.Model):
    """Dispatch, sign-for and resolution limits for one category at one urgency."""

    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="policies"
    )
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    dispatch_limit = models.PositiveIntegerField(
        _("派单时限"), default=1, help_text=_("从进入待派单起，派单员须在此时限内派出。")
    )
    dispatch_unit = models.CharField(
        _("派单时限单位"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_DAYS,
    )
    sign_limit = models.PositiveIntegerField(_("签收时限"))
    sign_unit = models.CharField(_("签收时限单位"), max_length=16, choices=DeadlineUnit.choices)
    resolve_limit = models.PositiveIntegerField(_("办结时限"))
    resolve_unit = models.CharField(_("办结时限单位"), max_length=16, choices=DeadlineUnit.choices)
    on_sign_overdue = models.CharField(
        _("签收超时处理"),
        max_length=24,
        choices=SignOverdueAction.choices,
        default=SignOverdueAction.ESCALATE,
    )
    chase_share = models.DecimalField(
        _("催办时点（办结时限占比）"),
        max_digits=3,
        decimal_places=2,
        default=0.75,
        help_text=_("到达办结时限的这一比例时提醒承办方一次，如 0.75。"),
    )
    # 小区吹哨、部门报到 (issue 12): a whistled department reports, then resolves its part.
    whistle_report_limit = models.PositiveIntegerField(
        _("吹哨报到时限"), default=2, help_text=_("从吹哨起，职能部门须在此时限内报到。")
    )
    whistle_report_unit = models.CharField(
        _("吹哨报到时限单位"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.HOURS,
    )
    whistle_resolve_limit = models.PositiveIntegerField(
        _("吹哨办结时限"), default=3, help_text=_("从吹哨起，职能部门须在此时限内办结其部分。")
    )
    whistle_resolve_unit = models.CharField(
        _("吹哨办结时限单位"),
        max_length=16,
        choices=DeadlineUnit.choices,
        default=DeadlineUnit.WORKING_DAYS,
    )

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["category__sort_order", "category__code", "urgency"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "urgency"], name="deadlinepolicy_one_per_urgency"
            ),
            models.CheckConstraint(
                condition=Q(chase_share__gt=0) & Q(chase_share__lt=1),
                name="deadlinepolicy_chase_share_range",
            ),
            models.CheckConstraint(
                condition=Q(sign_limit__gt=0) & Q(resolve_limit__gt=0) & Q(dispatch_limit__gt=0),
                name="deadlinepolicy_positive",
            ),
            models.CheckConstraint(
                condition=Q(whistle_report_limit__gt=0) & Q(whistle_resolve_limit__gt=0),
                name="deadlinepolicy_whistle_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.get_urgency_display()}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（放假）")
    WORKDAY = "workday", _("调休上班")


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a public holiday or a make-up working day."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=8, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"
