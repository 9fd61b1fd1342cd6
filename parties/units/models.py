"""Models of the co-building alliance; importable from ``parties.models``.

Orders are named by their reference (``order_reference``), never by a foreign key:
``parties`` sits below ``orders`` (docs/architecture.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area, MemberUnit, Visit
from parties.units.lifecycle import (
    DemandSource,
    DemandStatus,
    PartyOrgKind,
    UnitProjectAction,
    UnitProjectStatus,
)


class PartyOrg(models.Model):
    """A node of the party organisation tree, attached to one area node (same level)."""

    area = models.OneToOneField(
        Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="party_org"
    )
    area_path = models.CharField(max_length=255, editable=False)
    kind = models.PositiveSmallIntegerField(_("组织类型"), choices=PartyOrgKind.choices)
    name = models.CharField(_("组织名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("书记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_orgs",
    )

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["area_path"]
        indexes = [models.Index(fields=["area_path"], name="partyorg_path")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__gte=1, kind__lte=5), name="partyorg_kind_range"
            ),
            models.CheckConstraint(
                condition=Q(kind=PartyOrgKind.STREET_COMMITTEE, parent__isnull=True)
                | Q(kind__gt=PartyOrgKind.STREET_COMMITTEE, parent__isnull=False),
                name="partyorg_only_street_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitResource(models.Model):
    """One line of a unit's resource list (资源清单)."""

    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("成员单位"), on_delete=models.CASCADE, related_name="resources"
    )
    title = models.CharField(_("资源名称"), max_length=100)
    # An order category's code (orders.Category.code): the key matching goes by.
    category_code = models.CharField(_("类别"), max_length=40)
    description = models.TextField(_("说明"), max_length=1000, blank=True)
    capacity_per_month = models.PositiveSmallIntegerField(_("每月可提供（次）"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    communities = models.ManyToManyField(
        Area, verbose_name=_("服务社区"), related_name="unit_resources"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("资源清单")
        verbose_name_plural = _("资源清单")
        ordering = ["unit_id", "title", "pk"]
        indexes = [
            models.Index(fields=["category_code", "valid_from"], name="unitresource_cat_from"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_month__gte=1, capacity_per_month__lte=10000),
                name="unitresource_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="unitresource_valid_period_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DemandItem(models.Model):
    """One line of a community's demand list (需求清单), from residents' needs."""

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="demand_items"
    )
    community_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("需求"), max_length=100)
    description = models.TextField(_("说明"), max_length=2000)
    category_code = models.CharField(_("类别"), max_length=40)
    source = models.CharField(_("来源"), max_length=8, choices=DemandSource.choices)
    order_reference = models.CharField(_("来源工单"), max_length=32, blank=True)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("来源走访"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="demand_items",
    )
    meeting_id = models.PositiveIntegerField(_("来源议事会"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=DemandStatus.choices, default=DemandStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("需求清单")
        verbose_name_plural = _("需求清单")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["community_path", "status", "created_at"], name="demanditem_scope"
            ),
            models.Index(fields=["order_reference"], name="demanditem_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DemandStatus.values), name="demanditem_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(source=DemandSource.ORDER) | ~Q(order_reference=""),
                name="demanditem_order_source_names_order",
            ),
            models.CheckConstraint(
                condition=~Q(source=DemandSource.VISIT) | Q(visit__isnull=False),
                name="demanditem_visit_source_names_visit",
            ),
            models.CheckConstraint(
                condition=~Q(source=DemandSource.MEETING) | Q(meeting_id__isnull=False),
                name="demanditem_meeting_source_names_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class UnitProject(models.Model):
    """A project-list item (项目清单): a demand (or a tier-3 order) matched to a resource."""

    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="projects"
    )
    resource = models.ForeignKey(
        UnitResource,
        verbose_name=_("资源"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    demand = models.OneToOneField(
        DemandItem,
        verbose_name=_("需求"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project",
    )
    order_reference = models.CharField(_("来源工单"), max_length=32, blank=True)
    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="unit_projects"
    )
    community_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("项目"), max_length=100)
    description = models.TextField(_("内容"), max_length=2000)
    due_date = models.DateField(_("完成时限"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=UnitProjectStatus.choices,
        default=UnitProjectStatus.PLANNED,
    )
    capacity_used = models.PositiveSmallIntegerField(_("占用资源（次）"), default=1)
    # The month whose resource capacity the project uses (first day of the month).
    capacity_month = models.DateField()
    public_result = models.TextField(_("公开结果"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("项目清单")
        verbose_name_plural = _("项目清单")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community_path", "status", "created_at"], name="unitproj_scope"),
            models.Index(fields=["unit", "status", "created_at"], name="unitproj_unit"),
            models.Index(fields=["unit", "done_at"], name="unitproj_unit_done"),
            models.Index(fields=["resource", "capacity_month"], name="unitproj_resource_month"),
            models.Index(fields=["community", "status", "done_at"], name="unitproj_wall"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=UnitProjectStatus.values), name="unitproj_status_known"
            ),
            models.CheckConstraint(
                condition=Q(capacity_used__gte=1), name="unitproj_capacity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status=UnitProjectStatus.DONE)
                | (Q(done_at__isnull=False) & ~Q(public_result="")),
                name="unitproj_done_has_result",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class UnitProjectEvent(models.Model):
    project = models.ForeignKey(UnitProject, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=UnitProjectAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["project", "at"], name="unitprojevent_project_at")]


class UnitProjectEvaluation(models.Model):
    """A resident's evaluation on the community wall: one per verified phone."""

    project = models.ForeignKey(UnitProject, on_delete=models.CASCADE, related_name="evaluations")
    phone = models.CharField(max_length=11)
    rating = models.CharField(_("评价"), max_length=12)
    comment = models.CharField(_("留言"), max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "phone"], name="unitprojeval_one_per_phone")
        ]


class RotationDuty(models.Model):
    """A unit on duty (轮值) in a community for a month (``month`` is its first day)."""

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="rotation_duties"
    )
    month = models.DateField(_("月份"))
    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("成员单位"), on_delete=models.CASCADE, related_name="duties"
    )

    class Meta:
        verbose_name = _("轮值")
        verbose_name_plural = _("轮值")
        ordering = ["month", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "month", "unit"], name="rotation_unique_duty"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="rotation_month_first_day"),
        ]


class Reconciliation(models.Model):
    """A confirmed monthly reconciliation (对账) of one unit: the figures as confirmed.

    Rows are only ever inserted (``parties.units.services``): the first confirmation
    locks the month; a correction is a new row with the next ``sequence`` that names the
    row it corrects and why."""

    unit = models.ForeignKey(
        MemberUnit, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("月份"))
    sequence = models.PositiveSmallIntegerField(default=1)
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    reason = models.CharField(_("更正理由"), max_length=300, blank=True)
    orders_received = models.PositiveIntegerField(_("接单数"))
    signed_on_time = models.PositiveIntegerField(_("按时签收"))
    resolved = models.PositiveIntegerField(_("办结数"))
    resolved_on_time = models.PositiveIntegerField(_("按时办结"))
    returned = models.PositiveIntegerField(_("退单数"))
    rated = models.PositiveIntegerField(_("评价数"))
    satisfied = models.PositiveIntegerField(_("满意数"))
    projects_delivered = models.PositiveIntegerField(_("完成项目"))
    resources_used = models.PositiveIntegerField(_("资源使用（次）"))
    resources_capacity = models.PositiveIntegerField(_("资源容量（次）"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("月度对账")
        verbose_name_plural = _("月度对账")
        ordering = ["unit_id", "-month", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "sequence"], name="reconciliation_unique_entry"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="reconciliation_month_first_day"
            ),
            models.CheckConstraint(
                condition=Q(sequence=1, corrects__isnull=True)
                | Q(sequence__gt=1, corrects__isnull=False),
                name="reconciliation_correction_names_entry",
            ),
        ]
