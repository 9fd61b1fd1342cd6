"""The order (工单), its category, events, photos and reference counter."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.people import person_name
from core.vocabulary import seeded
from orders.lifecycle import BEING_HANDLED, Action, QueueReason, Status, Tier

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入 11 位中国大陆手机号码。"))
# What staff may record for a resident: a mobile, or a landline with its area code.
contact_phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-\d{7,8})$",
    _("请输入 11 位手机号码，或带区号的座机号码（如 0573-84123456）。"),
)


class Nature(models.TextChoices):
    ENQUIRY = "enquiry", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


class Channel(models.TextChoices):
    MOBILE = "mobile", _("手机点单")
    QR = "qr", _("扫码点单")
    LIVING_ROOM = "living_room", _("党建客厅")
    GRID_VISIT = "grid_visit", _("网格走访")
    MEETING = "meeting", _("党群议事会")
    HOTLINE = "hotline", _("热线电话")


STAFF_CHANNELS = (Channel.LIVING_ROOM, Channel.GRID_VISIT, Channel.MEETING, Channel.HOTLINE)


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class CancelReason(models.TextChoices):
    RESIDENT = "resident", _("居民撤销")
    DUPLICATE = "duplicate", _("重复工单")
    INVALID = "invalid", _("无效工单")
    # Merged into the original of a repeated request (Action.MERGE): its resident follows
    # the original's handling and is told its result.
    MERGED = "merged", _("合并办理")


class Category(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    default_tier = models.PositiveSmallIntegerField(
        _("默认派单层级"), choices=Tier.choices, default=Tier.PROPERTY
    )
    sign_for_hours = models.PositiveIntegerField(_("签收时限（小时）"), default=24)
    resolve_hours = models.PositiveIntegerField(_("办结时限（小时）"), default=168)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工单类别")
        verbose_name_plural = _("工单类别")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return seeded(self.name)


class Order(models.Model):
    reference = models.CharField(_("编号"), max_length=32, unique=True)
    tracking_token = models.CharField(max_length=64, unique=True, editable=False)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="orders"
    )
    nature = models.CharField(_("性质"), max_length=16, choices=Nature.choices, default=Nature.HELP)
    urgency = models.CharField(
        _("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    area = models.ForeignKey(
        "grids.Area", verbose_name=_("位置"), on_delete=models.PROTECT, related_name="orders"
    )
    # The area's community and street, set once at placement by the one writer
    # (services.order_place) and kept when an area moves (orders.signals): every scoped read
    # filters on them, with the composite indexes below, instead of joining the area table
    # with a path LIKE.
    community = models.ForeignKey(
        "grids.Area",
        verbose_name=_("社区"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    street = models.ForeignKey(
        "grids.Area",
        verbose_name=_("街道"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    description = models.TextField(_("问题描述"), max_length=2000)
    # A mobile (residents placing their own orders always verify one); staff intake may
    # record a landline, or nothing for a resident without a phone (reached by callback
    # or visit, never by SMS). Erasure (PIPL) empties it too.
    resident_phone = models.CharField(
        _("联系电话"), max_length=20, blank=True, validators=[contact_phone_validator]
    )
    resident_name = models.CharField(_("称呼"), max_length=40, blank=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代录人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.AWAITING_DISPATCH
    )
    queue_reason = models.CharField(
        _("待派原因"), max_length=16, choices=QueueReason.choices, blank=True
    )
    tier = models.PositiveSmallIntegerField(
        _("当前层级"), choices=Tier.choices, null=True, blank=True
    )
    handler_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_orders",
    )
    handler_unit = models.ForeignKey(
        "grids.MemberUnit",
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    redo_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    escalation_count = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    return_count = models.PositiveSmallIntegerField(_("退单次数"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("重复于"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    # A probable repeat found at placement (orders.repeats): an open order of the same
    # phone within 30 days, or of the same place and category within 7 days. Cleared when
    # a dispatcher keeps both (Action.KEEP_BOTH) or merges it (Action.MERGE).
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("疑似重复于"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    result_note = models.TextField(_("办理结果"), blank=True)
    rating = models.CharField(_("评价"), max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField(_("评价意见"), blank=True, max_length=1000)
    # The resident's (or a reached callback's) other answer: was the problem solved
    # (已解决 / 未解决); null when not asked — orders/stats/figures.py counts it (issue 9).
    solved = models.BooleanField(_("是否解决"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("撤销原因"), max_length=16, choices=CancelReason.choices, blank=True
    )
    extension_requested_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)

    # Deadlines live here (indexed) — the sweep reads them; no Celery ETA is the record.
    sign_due_at = models.DateTimeField(_("签收时限"), null=True, blank=True, db_index=True)
    resolve_due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)

    # Dispatch limit: set whenever the order enters 待派单 (placement, return, escalation to
    # the queue, redo), cleared when it leaves it. ``dispatch_sweep_at`` is the sweep's next
    # step on it (chase the dispatchers at the limit, then street supervision), with
    # ``dispatch_stage`` 0 → 1 (dispatchers chased) → 2 (supervision raised).
    dispatch_due_at = models.DateTimeField(_("派单时限"), null=True, blank=True, db_index=True)
    dispatch_sweep_at = models.DateTimeField(
        _("派单跟进时间"), null=True, blank=True, db_index=True
    )
    dispatch_stage = models.PositiveSmallIntegerField(_("派单跟进阶段"), default=0)

    # The deadline sweep's own columns: each is non-null only while its step is pending,
    # so the sweep's index scans touch due rows only, never the history.
    chase_due_at = models.DateTimeField(_("催办时间"), null=True, blank=True, db_index=True)
    chased_at = models.DateTimeField(_("已催办于"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期于"), null=True, blank=True)
    rating_due_at = models.DateTimeField(_("评价跟进时间"), null=True, blank=True, db_index=True)
    # 0: rating requested at resolve; 1: reminder sent; 2: callback task raised.
    rating_stage = models.PositiveSmallIntegerField(_("评价跟进阶段"), default=0)

    placed_at = models.DateTimeField(_("点单时间"), db_index=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The public wall (orders.selectors.public): the resident chooses whether the
    # description is shown; staff may hide the entry or show an edited text instead, the
    # original description staying as the resident wrote it.
    show_on_wall = models.BooleanField(_("在问题墙公开描述"), default=True)
    wall_hidden = models.BooleanField(_("问题墙上隐藏"), default=False)
    wall_text = models.TextField(_("问题墙显示文字"), blank=True, max_length=2000)
    wall_moderated_at = models.DateTimeField(_("问题墙审核时间"), null=True, blank=True)
    wall_moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("问题墙审核人"),
    )
    # The open pool (党员接单, issue 13): when the order entered the pool (kept while it
    # waits there), and the registered party member who claimed it — set on claim, cleared
    # when they hand it back to the pool, kept after resolution for their service record.
    pooled_at = models.DateTimeField(_("放入接单池时间"), null=True, blank=True)
    pool_member = models.ForeignKey(
        "parties.PartyMember",
        verbose_name=_("接单党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pool_orders",
    )
    # Issue 12: set (never cleared) by the first whistle or co-handler, so the detail page
    # reads those tables only for orders that have any.
    has_joint = models.BooleanField(
        _("有吹哨或协办"), default=False, db_default=False, editable=False
    )
    # PIPL: the resident's name and phone were removed (their request, or retention).
    anonymised_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-placed_at"]
        indexes = [
            models.Index(fields=["status", "placed_at"], name="order_status_placed"),
            # Scoped reads (issue 8): the board's queues and its grouped counts (index-only),
            # the "all" and category views newest first, the wall, the rates' period.
            models.Index(
                fields=["community", "status", "queue_reason", "placed_at", "id"],
                name="order_comm_status_queue",
            ),
            # Newest first, the board's default order (overdue, urgency, age) and the
            # wall's counts: the included columns are what they read, so sorting or
            # counting a community's whole history is an index-only scan (docs/scale.md).
            models.Index(
                fields=["community", "placed_at", "id"],
                include=[
                    "status",
                    "urgency",
                    "queue_reason",
                    "dispatch_due_at",
                    "sign_due_at",
                    "resolve_due_at",
                    "rating",
                    "resolved_at",
                ],
                name="order_comm_placed",
            ),
            models.Index(
                fields=["community", "category", "placed_at", "id"], name="order_comm_cat_placed"
            ),
            models.Index(fields=["community", "resolved_at"], name="order_comm_resolved"),
            models.Index(fields=["street", "resolved_at"], name="order_street_resolved"),
            models.Index(fields=["street", "placed_at", "id"], name="order_street_placed"),
            # The handler inbox: a handler's open orders, not their whole history.
            models.Index(fields=["handler_user", "status"], name="order_handler_user_status"),
            models.Index(fields=["handler_unit", "status"], name="order_handler_unit_status"),
            models.Index(fields=["resident_phone", "placed_at"], name="order_phone_placed"),
            # Repeat detection: the same place and category lately (orders.repeats).
            models.Index(fields=["area", "category", "placed_at"], name="order_area_cat_placed"),
            # Resolution-overdue candidates only: open, handled, not yet marked overdue.
            models.Index(
                fields=["resolve_due_at"],
                name="order_resolve_due_open",
                condition=Q(overdue_at__isnull=True) & Q(status__in=list(BEING_HANDLED)),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(handler_user__isnull=True) | Q(handler_unit__isnull=True),
                name="order_one_kind_of_handler",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=list(BEING_HANDLED))
                | (
                    Q(tier__isnull=False)
                    & (Q(handler_user__isnull=False) | Q(handler_unit__isnull=False))
                ),
                name="order_handled_has_handler",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CLOSED) | Q(closed_at__isnull=False),
                name="order_closed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(tier__isnull=True) | Q(tier__gte=1, tier__lte=4),
                name="order_tier_range",
            ),
            # In the open pool: nobody holds it yet, and it says since when.
            models.CheckConstraint(
                condition=~Q(status=Status.IN_POOL)
                | (
                    Q(handler_user__isnull=True)
                    & Q(handler_unit__isnull=True)
                    & Q(pool_member__isnull=True)
                    & Q(pooled_at__isnull=False)
                ),
                name="order_pool_unheld",
            ),
        ]

    @property
    def current_due_at(self):
        """The due time the order is held to now: dispatch (or, when waiting again after an
        escalation, the resolution time if earlier), sign-for, resolution; None otherwise."""
        if self.status == Status.AWAITING_DISPATCH:
            dues = [d for d in (self.dispatch_due_at, self.resolve_due_at) if d is not None]
            return min(dues, default=None)
        if self.status == Status.AWAITING_SIGN:
            return self.sign_due_at
        if self.status in (Status.IN_PROGRESS, Status.EXTENSION_REQUESTED):
            return self.resolve_due_at
        return None

    def __str__(self) -> str:
        return self.reference

    @property
    def is_being_handled(self) -> bool:
        """Dispatched to a handler and not yet resolved (``lifecycle.BEING_HANDLED``)."""
        return self.status in BEING_HANDLED

    @property
    def handler_label(self) -> str:
        if self.handler_unit_id:
            return self.handler_unit.name
        if self.handler_user_id:
            return person_name(self.handler_user)
        return ""


class OrderEvent(models.Model):
    """One row per thing that happened to an order: the audit trail and the timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "resident", "system" or empty when ``actor`` is a staff user.
    actor_kind = models.CharField(max_length=16, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    tier = models.PositiveSmallIntegerField(choices=Tier.choices, null=True, blank=True)
    handler_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handler_unit = models.ForeignKey(
        "grids.MemberUnit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["order", "at"], name="orderevent_order_at"),
            # The three rates: the period's RESOLVE events (orders.selectors.rates).
            models.Index(fields=["action", "at"], name="orderevent_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.action}"


class PhotoKind(models.TextChoices):
    REPORT = "report", _("问题照片")
    RESULT = "result", _("结果照片")
    FOLLOWUP = "followup", _("居民补充照片")


class OrderPhoto(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=8, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.ImageField(upload_to="orders/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class OrderSequence(models.Model):
    """Per street, per day counter behind human-readable references like LX-20261122-0042."""

    prefix = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "day"], name="ordersequence_unique_day")
        ]
