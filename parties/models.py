"""Party organisations: registered in-service party members (在职党员回社区报到),
micro-wishes (微心愿) and the volunteer points ledger (积分). Built on ``grids``.

``MemberUnit`` moved to ``grids.models`` (same table); it is re-exported here so
``parties.models.MemberUnit`` keeps working. See docs/party.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import Area
from grids.models import MemberUnit as MemberUnit  # re-exported
from parties.units.models import (  # noqa: F401 — the app's models live in subpackages too
    DemandItem,
    PartyOrg,
    Reconciliation,
    RotationDuty,
    UnitProject,
    UnitProjectEvaluation,
    UnitProjectEvent,
    UnitResource,
)
from parties.wishes.lifecycle import WishCategory, WishStatus

__all__ = ["MemberUnit", "PartyMember", "MicroWish", "MicroWishEvent", "PointEntry"]


class MemberStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已报到")
    DECLINED = "declined", _("未通过")


class PartyMember(models.Model):
    """An in-service party member's registration to their home community (双报到).

    Registered from a phone (the phone proved by a one-time code); community staff verify
    it, which creates the member's login (username = the phone, the password the member
    chose, kept only as a hash) with the party-member post on the community."""

    community = models.ForeignKey(
        Area, verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="party_members"
    )
    community_path = models.CharField(max_length=255, editable=False)
    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("手机号"), max_length=11)
    employer = models.CharField(_("工作单位"), max_length=100)
    branch = models.CharField(_("所在党支部"), max_length=100)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=100, blank=True)
    show_initials = models.BooleanField(_("公开时只显示姓氏首字母"), default=True)
    password_hash = models.CharField(max_length=128, editable=False)
    status = models.CharField(
        _("状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.PENDING
    )
    decline_reason = models.CharField(_("不通过原因"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_member",
    )
    registered_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报到党员")
        verbose_name_plural = _("报到党员")
        indexes = [
            models.Index(fields=["community_path", "status", "registered_at"], name="pm_scope")
        ]
        constraints = [
            # One live registration per phone and community (a declined one may be retried).
            models.UniqueConstraint(
                fields=["community", "phone"],
                condition=~Q(status="declined"),
                name="pm_one_live_registration",
            ),
            models.CheckConstraint(
                condition=Q(status="verified", user__isnull=False) | ~Q(status="verified"),
                name="pm_verified_has_login",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def public_name(self) -> str:
        """The name shown on public pages: the surname and 同志 when the member chose so."""
        return f"{self.name[:1]}同志" if self.show_initials else self.name


class MicroWish(models.Model):
    """A small concrete wish of a resident (先锋圆梦微心愿); status moves only through
    ``parties.wishes.services``."""

    community = models.ForeignKey(
        Area, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="micro_wishes"
    )
    community_path = models.CharField(max_length=255, editable=False)
    category = models.CharField(_("类别"), max_length=16, choices=WishCategory.choices)
    description = models.CharField(_("心愿内容"), max_length=500)
    needed_by = models.DateField(_("希望实现日期"))
    poster_phone = models.CharField(max_length=11, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=16, choices=WishStatus.choices)
    decline_reason = models.CharField(max_length=200, blank=True)
    claimed_member = models.ForeignKey(
        PartyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="wishes"
    )
    claimed_unit = models.ForeignKey(
        MemberUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="wishes"
    )
    fulfil_note = models.CharField(max_length=500, blank=True)
    # Optional, stored like an order's photos (default storage, by month); shown to the
    # community's staff, the claimer and the resident who posted it — not on the wall.
    fulfil_photo = models.ImageField(_("完成照片"), upload_to="wishes/%Y/%m/", blank=True)
    posted_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        indexes = [
            models.Index(fields=["community_path", "status", "posted_at"], name="wish_scope"),
            models.Index(fields=["status", "verified_at"], name="wish_stale"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(claimed_member__isnull=True) | Q(claimed_unit__isnull=True),
                name="wish_one_claimer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["claimed", "fulfilled", "confirmed"])
                | Q(claimed_member__isnull=False)
                | Q(claimed_unit__isnull=False),
                name="wish_claimed_has_claimer",
            ),
            models.CheckConstraint(
                condition=~Q(poster_phone="") | Q(posted_by__isnull=False),
                name="wish_has_poster",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:20]

    @property
    def claimer_name(self) -> str:
        if self.claimed_member_id:
            return self.claimed_member.public_name
        return self.claimed_unit.name if self.claimed_unit_id else ""


class MicroWishEvent(models.Model):
    """One row per thing that happened to a wish (who, when, from, to, note)."""

    wish = models.ForeignKey(MicroWish, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_kind = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField()
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["wish", "at"], name="wishevent_wish_at")]


class PointKind(models.TextChoices):
    WISH = "wish", _("圆梦微心愿")
    COMMITMENT = "commitment", _("践行承诺")
    SERVICE = "service", _("志愿服务")
    POOL_ORDER = "pool_order", _("党员接单")
    REDEMPTION = "redemption", _("积分兑换")
    CORRECTION = "correction", _("更正")


class PointEntry(models.Model):
    """One row of the append-only points ledger (道德银行/积分超市).

    Rows are never updated or deleted — triggers refuse it in the database (migration
    ``parties/0004``); a correction is a new row. ``source`` names what earned the points
    ("wish:12"); (member, source) is unique, so a source is counted once."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="points")
    community_path = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=PointKind.choices)
    source = models.CharField(max_length=64)
    points = models.IntegerField()
    note = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        indexes = [
            models.Index(fields=["community_path", "at"], name="points_scope_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["member", "source"], name="points_once_per_source"),
            models.CheckConstraint(condition=~Q(points=0), name="points_not_zero"),
        ]


class Commitment(models.Model):
    """A member's public commitment (亮承诺) for a period; fulfilment records (践诺) below."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="commitments")
    community_path = models.CharField(max_length=255)
    title = models.CharField(_("承诺内容"), max_length=200)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("党员承诺")
        verbose_name_plural = _("党员承诺")
        indexes = [models.Index(fields=["community_path", "ends_on"], name="commitment_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="commitment_period"
            )
        ]


class CommitmentFulfilment(models.Model):
    """One fulfilment record (践诺) against a commitment: what was done, when."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="fulfilments")
    community_path = models.CharField(max_length=255)
    note = models.CharField(_("践诺情况"), max_length=500)
    # Optional, stored like an order's photos; shown to the member and community staff.
    photo = models.ImageField(_("践诺照片"), upload_to="commitments/%Y/%m/", blank=True)
    done_on = models.DateField(_("日期"))
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["community_path", "done_on"], name="fulfilment_scope"),
        ]
