"""Deliberation meetings: the meeting, its topics with votes, its events, and the orders
taken at it. Status changes only in ``orders.meetings.services``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area
from orders.models.order import Order


class Meeting(models.Model):
    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="meetings"
    )
    community_path = models.CharField(max_length=255, editable=False)
    title = models.CharField(_("会议名称"), max_length=100)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=100)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("召集人"),
        on_delete=models.PROTECT,
        related_name="convened_meetings",
    )
    attendees = models.TextField(_("参会人员"), max_length=1000)
    status = models.CharField(_("环节"), max_length=14)
    outcome = models.TextField(_("公示内容"), max_length=2000, blank=True)
    implementation = models.TextField(_("落实情况"), max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["community_path", "held_on"], name="meeting_path_held"),
            models.Index(fields=["community", "status"], name="meeting_community_status"),
        ]

    def __str__(self) -> str:
        return self.title


class MeetingTopic(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("议题"), max_length=200)
    source = models.CharField(_("来源"), max_length=10)
    votes_for = models.PositiveSmallIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权"), null=True, blank=True)
    decision = models.CharField(_("决议"), max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True)
                | Q(votes_against__isnull=False, votes_abstain__isnull=False),
                name="meetingtopic_votes_complete",
            )
        ]

    @property
    def voted(self) -> bool:
        return self.votes_for is not None

    @property
    def passed(self) -> bool:
        return self.voted and self.votes_for > self.votes_against


class MeetingEvent(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=14)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_kind = models.CharField(max_length=12, blank=True)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=14, blank=True)
    to_status = models.CharField(max_length=14)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]


class MeetingOrder(models.Model):
    """An order taken in at a meeting (集中受理、当场派单)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="taken")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="from_meeting")

    class Meta:
        ordering = ["pk"]
