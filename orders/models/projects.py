"""Raise-hand micro-projects: the proposal (later the project), hands, events, evaluations,
and each community's threshold. Status changes only in ``orders.projects.services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area


class ProjectThreshold(models.Model):
    """How many hands turn a proposal into a candidate project, per community."""

    community = models.OneToOneField(
        Area, verbose_name=_("社区"), on_delete=models.CASCADE, related_name="project_threshold"
    )
    hands_needed = models.PositiveSmallIntegerField(_("立项所需举手数"), default=10)

    class Meta:
        verbose_name = _("举手立项门槛")
        verbose_name_plural = _("举手立项门槛")
        constraints = [
            models.CheckConstraint(
                condition=Q(hands_needed__gte=1), name="projectthreshold_positive"
            )
        ]


class MicroProject(models.Model):
    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="micro_projects"
    )
    community_path = models.CharField(max_length=255, editable=False)
    compound = models.ForeignKey(
        Area, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("项目"), max_length=100)
    description = models.TextField(_("说明"), max_length=2000)
    proposed_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Never shown: only to keep one proposal per phone from flooding (not public).
    proposer_phone = models.CharField(max_length=11, blank=True)
    status = models.CharField(_("状态"), max_length=10)
    hands = models.PositiveIntegerField(_("举手数"), default=0)
    hands_needed = models.PositiveSmallIntegerField(_("立项门槛"))
    budget_line = models.CharField(_("专项资金"), max_length=100, blank=True)
    budget_amount = models.DecimalField(
        _("预算（元）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    owner = models.CharField(_("负责人"), max_length=60, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("微项目")
        verbose_name_plural = _("微项目")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["community", "status"], name="microproject_community_status"),
            models.Index(fields=["community_path", "status"], name="microproject_path_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "qualified", "project", "done"]),
                name="microproject_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectHand(models.Model):
    """One raised hand per verified phone per proposal (the unique constraint decides)."""

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="hand_rows")
    phone = models.CharField(max_length=11)
    raised_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "phone"], name="projecthand_one_per_phone")
        ]


class ProjectEvent(models.Model):
    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=10)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class ProjectEvaluation(models.Model):
    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="evaluations")
    phone = models.CharField(max_length=11)
    rating = models.CharField(_("评价"), max_length=12)
    comment = models.CharField(_("留言"), max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phone"], name="projectevaluation_one_per_phone"
            )
        ]
