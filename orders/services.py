"""Writes to orders: the only code that changes an order's status.

Every move goes through ``_move``: it locks the order row, checks the lifecycle table
(``orders.lifecycle.MOVES``) and the actor's authority (``grids.access``), is a no-op when
the same actor repeats the move that put the order where it is (a double submit), writes
exactly one status ``OrderEvent`` (followed by a ``due_changed`` event for each due time the
move set) and schedules side effects with ``transaction.on_commit``.
A refused move raises ``OrderError`` naming what happened to the order instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict, Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from grids import access
from grids.models import Area, AreaLevel, Post, PostRole
from orders import clock, deadlines, memo, notify
from orders.errors import OrderError
from orders.lifecycle import (
    MOVES,
    RESIDENT_CANCELLABLE,
    TOP_TIER,
    Action,
    QueueReason,
    Status,
    Tier,
)
from orders.models import (
    CancelReason,
    Category,
    Channel,
    Order,
    OrderEvent,
    OrderPhoto,
    OrderSequence,
    PhotoKind,
    Rating,
)
from parties.models import MemberUnit

RESIDENT = "resident"
SYSTEM = "system"
MAX_PHOTOS = 3


class Seen(TypedDict, total=False):
    """What the user saw when they acted (see ``_move``); every move service takes it."""

    expected_status: str | None
    expected_version: int | None


@dataclass
class Actor:
    """Who performs a move: a staff user, the resident (by tracking link), or the system."""

    user: AbstractBaseUser | None = None
    kind: str = ""  # "" for staff, RESIDENT or SYSTEM

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(user=user)

    @classmethod
    def resident(cls) -> Actor:
        return cls(kind=RESIDENT)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=SYSTEM)

    @property
    def is_staff(self) -> bool:
        return self.user is not None and not self.kind


@dataclass
class _Change:
    to_status: str
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# --- helpers ----------------------------------------------------------------


def _now() -> datetime:
    # ``orders.clock`` lets tests (and the deadline sweep's tests) move time.
    return clock.now()


# What a move, its due times and its messages read off the order.
LOCK_RELATED = ("category", "area", "handler_user", "handler_unit")
_LOCKED_ATTR = "_sidan_locked_in"


def _lock(order_id: int) -> Order:
    try:
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related(*LOCK_RELATED)
            .get(pk=order_id)
        )
    except Order.DoesNotExist:
        raise OrderError("not_found", _("工单不存在。")) from None
    mark_locked([order])
    return order


def _current_transaction() -> object | None:
    connection = transaction.get_connection()
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def mark_locked(orders: Iterable[Order]) -> None:
    """Note that ``orders`` were just read with ``SELECT … FOR UPDATE`` in this transaction
    (``_lock``, or the sweep's batch select), so a ``*_locked`` service may act on them
    without reading and locking each row again."""
    current = _current_transaction()
    for order in orders:
        setattr(order, _LOCKED_ATTR, current)


def _held(order: Order) -> Order:
    """``order`` itself, when its row lock is held by the current transaction."""
    current = _current_transaction()
    if current is None or getattr(order, _LOCKED_ATTR, None) is not current:
        raise RuntimeError(f"order {order.pk} is not locked in the current transaction")
    return order


def _describe_last(order: Order) -> str:
    last = order.events.exclude(to_status="").select_related("actor").order_by("-at", "-id").first()
    if last is None:
        return ""
    who = (
        (last.actor.get_full_name() or last.actor.username)
        if last.actor
        else (_("居民") if last.actor_kind == RESIDENT else _("系统"))
    )
    when = date_format(timezone.localtime(last.at), "m-d H:i")
    return _("%(who)s 已于 %(when)s %(action)s") % {
        "who": who,
        "when": when,
        "action": last.get_action_display(),
    }


def _refuse(order: Order, action: str) -> OrderError:
    happened = _describe_last(order)
    values = {
        "action": Action(action).label,
        "status": order.get_status_display(),
        "happened": happened,
    }
    if happened:
        message = _("无法%(action)s：该工单现在是「%(status)s」。%(happened)s。") % values
    else:
        message = _("无法%(action)s：该工单现在是「%(status)s」。") % values
    return OrderError("illegal_move", message)


def order_version(*, order_id: int) -> int:
    """The id of the order's latest status-changing event: it changes with every move."""
    return (
        OrderEvent.objects.filter(order_id=order_id)
        .exclude(to_status="")
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def _is_repeat(
    order: Order, action: str, actor: Actor, same: Callable[[Order], bool] | None
) -> bool:
    """The same actor repeating, with the same arguments, the move that put the order where
    it is."""
    if order.status not in MOVES[action][1]:
        return False
    last = order.events.exclude(to_status="").order_by("-at", "-id").first()
    if last is None or last.action != action or last.to_status != order.status:
        return False
    same_actor = (
        last.actor_id == (actor.user.pk if actor.user else None) and last.actor_kind == actor.kind
    )
    return same_actor and (same is None or same(order))


def _record(order: Order, **fields: Any) -> OrderEvent:
    """Write one event now; ``fields`` as for ``_event_row``."""
    event = _event_row(order, **fields)
    event.save(force_insert=True)
    return event


def _event_row(
    order: Order,
    *,
    action: str,
    actor: Actor,
    from_status: str,
    to_status: str,
    note: str = "",
    data: dict | None = None,
    at: datetime | None = None,
) -> OrderEvent:
    """An unsaved event row."""
    return OrderEvent(
        order=order,
        action=action,
        actor=actor.user,
        actor_kind=actor.kind,
        at=at or _now(),
        from_status=from_status,
        to_status=to_status,
        tier=order.tier,
        handler_user_id=order.handler_user_id,
        handler_unit_id=order.handler_unit_id,
        note=note,
        data=data or {},
    )


def _move(
    *,
    order_id: int | None = None,
    locked: Order | None = None,
    action: str,
    actor: Actor,
    apply: Callable[[Order, datetime], _Change],
    authorise: Callable[[Order], None] | None = None,
    expected_status: str | None = None,
    expected_version: int | None = None,
    same: Callable[[Order], bool] | None = None,
) -> Order:
    """Lock, check, apply, record one event, notify after commit.

    ``locked`` instead of ``order_id`` is an order whose row the caller has already locked
    in the current transaction (``mark_locked``; checked): the move skips reading it again
    and opens no savepoint of its own — a refused move raises, and the caller's atomic
    block rolls back whatever it wrote with it.

    ``expected_status`` is the status the user saw when they acted: if the order has moved
    on since, the move is refused (or is a no-op when it was this very move) rather than
    applied to a state nobody looked at — so of two people acting at once exactly one wins.
    ``expected_version`` (see ``order_version``) catches the moves that keep the status —
    an escalation from 待签收 lands in 待签收 one tier up.
    ``same`` tells whether the order already reflects this move's arguments.
    """
    if (order_id is None) == (locked is None):
        raise TypeError("_move takes order_id or locked, not both")
    with transaction.atomic(savepoint=locked is None):
        order = _lock(order_id) if locked is None else _held(locked)
        sources, targets = MOVES[action]
        stale = (expected_status is not None and order.status != expected_status) or (
            expected_version is not None and order_version(order_id=order.pk) != expected_version
        )
        if stale or order.status not in sources:
            if _is_repeat(order, action, actor, same):
                return order
            raise _refuse(order, action)
        if authorise is not None:
            authorise(order)
        elif actor.is_staff and not access.order_may(actor.user, action, order):
            raise OrderError(
                "forbidden",
                _("你的岗位不能对这张工单执行「%(action)s」。") % {"action": Action(action).label},
            )
        elif not actor.is_staff and actor.kind != SYSTEM:
            raise OrderError("forbidden", _("只有工作人员可以执行这个操作。"))
        now = _now()
        from_status = order.status
        change = apply(order, now)
        assert change.to_status in targets, (action, change.to_status)
        order.status = change.to_status
        order.save()
        event = _event_row(
            order,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )
        # Due times the move set (deadlines.note_due_change) follow as DUE_CHANGED events,
        # inserted with the status event in one statement (ids in this order).
        rows = [event] + [
            _event_row(
                order,
                action=Action.DUE_CHANGED,
                actor=actor,
                from_status="",
                to_status="",
                data=due_change,
                at=now,
            )
            for due_change in deadlines.pop_due_changes(order)
        ]
        _insert_events(rows)
        notify.after_event(event)
    return order


def _insert_events(rows: list[OrderEvent]) -> None:
    if len(rows) == 1 or not transaction.get_connection().features.can_return_rows_from_bulk_insert:
        for row in rows:
            row.save(force_insert=True)
        return
    OrderEvent.objects.bulk_create(rows)


def _by_staff(
    action: str,
    *,
    order_id: int,
    actor: AbstractBaseUser,
    apply: Callable[[Order, datetime], _Change],
    seen: Seen,
) -> Order:
    """A move made by a staff user from a page (carrying what that page showed)."""
    return _move(order_id=order_id, action=action, actor=Actor.staff(actor), apply=apply, **seen)


def _clean_text(value: str, *, required: bool, what: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise OrderError("missing_" + what, _("请填写%(what)s。") % {"what": _(what)})
    if len(value) > limit:
        raise OrderError("too_long", _("内容太长，请控制在 %(n)s 字以内。") % {"n": limit})
    return value


def _ancestor_area(area: Area, level: int) -> Area | None:
    if area.level < level:
        return None
    codes = area.ancestor_codes
    return Area.objects.filter(code=codes[level - 1]).first()


# --- handlers ---------------------------------------------------------------

# Which post role answers for each tier, and at which level of the order's area it sits.
TIER_ROLE = {
    Tier.PROPERTY: (PostRole.PROPERTY_MANAGER, AreaLevel.COMPOUND),
    Tier.GRID: (PostRole.GRID_LEADER, AreaLevel.GRID),
    Tier.STREET: (PostRole.STREET_OFFICIAL, AreaLevel.STREET),
}


def handler_candidates(*, order: Order, tier: int) -> list:
    """Who may take ``order`` at ``tier``: users for tiers 1, 2, 4; member units for tier 3.

    The answer depends only on the order's area and the tier: within one sweep batch
    (``orders.memo``) it is read once per (area, tier)."""
    area = order.area
    return list(
        memo.remembered(
            ("handler_candidates", area.pk, area.path, tier),
            lambda: _read_handler_candidates(area=area, tier=tier),
        )
    )


def _read_handler_candidates(*, area: Area, tier: int) -> list:
    if tier == Tier.MEMBER_UNIT:
        community_code = area.ancestor_codes[AreaLevel.COMMUNITY - 1] if area.level >= 2 else None
        return list(
            MemberUnit.objects.filter(community__code=community_code, is_active=True).order_by(
                "name"
            )
        )
    role, _level = TIER_ROLE[Tier(tier)]
    ancestor_paths = [
        "/".join(area.ancestor_codes[:i]) + "/" for i in range(1, len(area.ancestor_codes) + 1)
    ]
    posts = (
        Post.objects.filter(role=role, area__path__in=ancestor_paths, user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    )
    seen, users = set(), []
    for post in posts:
        if post.user_id not in seen:
            seen.add(post.user_id)
            users.append(post.user)
    return users


def default_handler(*, order: Order, tier: int):
    """The obvious handler at ``tier``, or None when the dispatcher has to choose."""
    candidates = handler_candidates(order=order, tier=tier)
    return (
        candidates[0] if len(candidates) == 1 or (candidates and tier != Tier.MEMBER_UNIT) else None
    )


def _check_handler(order: Order, tier: int, handler_user, handler_unit) -> None:
    if tier not in Tier.values:
        raise OrderError("bad_tier", _("派单层级无效。"))
    if tier == Tier.MEMBER_UNIT:
        if handler_unit is None or handler_user is not None:
            raise OrderError("bad_handler", _("第三级工单须派给一个成员单位。"))
    elif handler_user is None or handler_unit is not None:
        raise OrderError("bad_handler", _("请选择承办人。"))
    chosen = handler_unit if tier == Tier.MEMBER_UNIT else handler_user
    if chosen.pk not in {c.pk for c in handler_candidates(order=order, tier=tier)}:
        raise OrderError(
            "bad_handler",
            _("%(who)s 不能承接这张工单的「%(tier)s」一级。")
            % {"who": chosen, "tier": Tier(tier).label},
        )


def _assign(order: Order, *, tier: int, handler_user, handler_unit, now: datetime) -> None:
    order.tier = tier
    order.handler_user = handler_user
    order.handler_unit = handler_unit
    order.queue_reason = ""
    order.dispatched_at = now
    order.signed_at = None
    deadlines.schedule(order, now=now)
    order.extension_requested_until = None
    order.extension_reason = ""


def _to_queue(order: Order, reason: str) -> None:
    order.queue_reason = reason
    order.handler_user = None
    order.handler_unit = None
    order.sign_due_at = None
    order.signed_at = None


# --- place ------------------------------------------------------------------


def _next_reference(*, prefix: str, day) -> str:
    for _attempt in range(3):
        updated = OrderSequence.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    OrderSequence.objects.create(prefix=prefix, day=day, last=1)
            except IntegrityError:
                continue
        last = OrderSequence.objects.get(prefix=prefix, day=day).last
        return f"{prefix}-{day:%Y%m%d}-{last:04d}"
    raise OrderError("reference", _("暂时无法生成工单编号，请重试。"))


def order_place(
    *,
    category: Category,
    area: Area,
    description: str,
    resident_phone: str,
    resident_name: str = "",
    nature: str,
    urgency: str,
    channel: str,
    photos: Iterable[UploadedFile] = (),
    placed_by: AbstractBaseUser | None = None,
) -> Order:
    """A resident places an order (or staff on the resident's behalf): it waits for dispatch."""
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    if area.level < AreaLevel.GRID:
        raise OrderError("bad_area", _("请选择具体的网格、小区或楼栋。"))
    if not category.is_active:
        raise OrderError("bad_category", _("这个类别已停用，请选择其他类别。"))
    if placed_by is not None and not access.area_in_scope(
        placed_by, area, roles=access.INTAKE_ROLES
    ):
        raise OrderError("forbidden", _("这个位置不在你的岗位范围内。"))
    description = _clean_text(description, required=True, what="问题描述")
    now = _now()
    actor = Actor.staff(placed_by) if placed_by else Actor.resident()
    with transaction.atomic():
        order = Order.objects.create(
            reference=_next_reference(prefix=area.ancestor_codes[0], day=timezone.localdate(now)),
            tracking_token=secrets.token_urlsafe(24),
            category=category,
            nature=nature,
            urgency=urgency,
            channel=channel,
            area=area,
            description=description,
            resident_phone=resident_phone,
            resident_name=(resident_name or "").strip()[:40],
            placed_by=placed_by,
            status=Status.AWAITING_DISPATCH,
            queue_reason=QueueReason.NEW,
            tier=category.default_tier,
            placed_at=now,
        )
        for photo in photos:
            OrderPhoto.objects.create(order=order, kind=PhotoKind.REPORT, image=photo)
        data = {"channel": channel}
        if placed_by is not None:
            data["on_behalf"] = True
        event = _record(
            order,
            action=Action.PLACE,
            actor=actor,
            from_status="",
            to_status=order.status,
            data=data,
            at=now,
        )
        notify.after_event(event)
    return order


# --- dispatch, sign, return ---------------------------------------------------


def order_dispatch(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    tier: int,
    handler_user: AbstractBaseUser | None = None,
    handler_unit: MemberUnit | None = None,
    note: str = "",
    **seen: Unpack[Seen],
) -> Order:
    def apply(order: Order, now: datetime) -> _Change:
        _check_handler(order, tier, handler_user, handler_unit)
        _assign(order, tier=tier, handler_user=handler_user, handler_unit=handler_unit, now=now)
        return _Change(Status.AWAITING_SIGN, note=_clean_text(note, required=False, what="备注"))

    def same(order: Order) -> bool:
        return (order.tier, order.handler_user_id, order.handler_unit_id) == (
            tier,
            getattr(handler_user, "pk", None),
            getattr(handler_unit, "pk", None),
        )

    return _move(
        order_id=order_id,
        action=Action.DISPATCH,
        actor=Actor.staff(actor),
        apply=apply,
        **seen,
        same=same,
    )


def order_sign(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    **seen: Unpack[Seen],
) -> Order:
    def apply(order: Order, now: datetime) -> _Change:
        order.signed_at = now
        order.sign_due_at = None
        return _Change(Status.IN_PROGRESS)

    return _by_staff(Action.SIGN, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_return(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    reason: str,
    **seen: Unpack[Seen],
) -> Order:
    reason = _clean_text(reason, required=True, what="退单理由", limit=500)

    def apply(order: Order, now: datetime) -> _Change:
        data = {"returned_by_tier": order.tier}
        order.return_count += 1
        _to_queue(order, QueueReason.RETURNED)
        return _Change(Status.AWAITING_DISPATCH, note=reason, data=data)

    return _by_staff(Action.RETURN, order_id=order_id, actor=actor, apply=apply, seen=seen)


# --- extensions ---------------------------------------------------------------


def order_request_extension(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    until: datetime,
    reason: str,
    **seen: Unpack[Seen],
) -> Order:
    reason = _clean_text(reason, required=True, what="延期理由", limit=500)

    def apply(order: Order, now: datetime) -> _Change:
        if until <= now or (order.resolve_due_at and until <= order.resolve_due_at):
            raise OrderError("bad_date", _("延期后的时限必须晚于现在的办结时限。"))
        order.extension_requested_until = until
        order.extension_reason = reason
        return _Change(Status.EXTENSION_REQUESTED, note=reason, data={"until": until.isoformat()})

    return _by_staff(
        Action.REQUEST_EXTENSION, order_id=order_id, actor=actor, apply=apply, seen=seen
    )


def order_approve_extension(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    note: str = "",
    **seen: Unpack[Seen],
) -> Order:
    def apply(order: Order, now: datetime) -> _Change:
        old = order.resolve_due_at
        deadlines.extend(order, until=order.extension_requested_until)
        order.extension_requested_until = None
        data = {
            "old_due": old.isoformat() if old else None,
            "new_due": order.resolve_due_at.isoformat(),
        }
        return _Change(
            Status.IN_PROGRESS, note=_clean_text(note, required=False, what="备注"), data=data
        )

    return _by_staff(
        Action.APPROVE_EXTENSION, order_id=order_id, actor=actor, apply=apply, seen=seen
    )


def order_refuse_extension(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    note: str,
    **seen: Unpack[Seen],
) -> Order:
    note = _clean_text(note, required=True, what="驳回理由", limit=500)

    def apply(order: Order, now: datetime) -> _Change:
        order.extension_requested_until = None
        return _Change(Status.IN_PROGRESS, note=note)

    return _by_staff(
        Action.REFUSE_EXTENSION, order_id=order_id, actor=actor, apply=apply, seen=seen
    )


# --- escalate -------------------------------------------------------------------


def order_escalate(
    *,
    order_id: int,
    actor: AbstractBaseUser | None,
    reason: str,
    handler_user: AbstractBaseUser | None = None,
    handler_unit: MemberUnit | None = None,
    **seen: Unpack[Seen],
) -> Order:
    """Move the order one tier up. ``actor=None`` is the deadline sweep.

    With no handler given, the obvious one at the next tier takes it; when there is none
    (several member units, say) it waits in the dispatch queue marked escalated.
    """
    reason = _clean_text(reason, required=True, what="升级理由", limit=500)
    who = Actor.staff(actor) if actor is not None else Actor.system()
    return _move(
        order_id=order_id,
        action=Action.ESCALATE,
        actor=who,
        apply=_escalation(reason=reason, handler_user=handler_user, handler_unit=handler_unit),
        **seen,
    )


def order_escalate_locked(*, order: Order, reason: str) -> Order:
    """The deadline sweep's escalation (``order_escalate`` with ``actor=None``) of an order
    whose row the caller has locked in the current transaction (see ``_move``'s ``locked``)."""
    reason = _clean_text(reason, required=True, what="升级理由", limit=500)
    return _move(
        locked=order,
        action=Action.ESCALATE,
        actor=Actor.system(),
        apply=_escalation(reason=reason, handler_user=None, handler_unit=None),
    )


def _escalation(
    *, reason: str, handler_user: AbstractBaseUser | None, handler_unit: MemberUnit | None
) -> Callable[[Order, datetime], _Change]:
    def apply(order: Order, now: datetime) -> _Change:
        current = order.tier or Tier.PROPERTY
        if current >= TOP_TIER:
            raise OrderError("top_tier", _("这张工单已在最高一级（街道联席会议），无法再升级。"))
        new_tier = current + 1
        data = {"from_tier": current, "to_tier": new_tier}
        order.escalation_count += 1
        user, unit = handler_user, handler_unit
        if user is None and unit is None:
            default = default_handler(order=order, tier=new_tier)
            if isinstance(default, MemberUnit):
                unit = default
            else:
                user = default
        if user is None and unit is None:
            _to_queue(order, QueueReason.ESCALATED)
            order.tier = new_tier
            return _Change(Status.AWAITING_DISPATCH, note=reason, data=data)
        _check_handler(order, new_tier, user, unit)
        _assign(order, tier=new_tier, handler_user=user, handler_unit=unit, now=now)
        return _Change(Status.AWAITING_SIGN, note=reason, data=data)

    return apply


# --- resolve, rate, close ---------------------------------------------------------


def order_resolve(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    result_note: str,
    photos: Iterable[UploadedFile] = (),
    **seen: Unpack[Seen],
) -> Order:
    result_note = _clean_text(result_note, required=True, what="办理结果")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})

    def apply(order: Order, now: datetime) -> _Change:
        order.result_note = result_note
        order.resolved_at = now
        order.extension_requested_until = None
        deadlines.start_rating_window(order, now=now)
        for photo in photos:
            OrderPhoto.objects.create(order=order, kind=PhotoKind.RESULT, image=photo)
        return _Change(Status.AWAITING_RATING, note=result_note)

    return _by_staff(Action.RESOLVE, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_rate(
    *,
    order_id: int,
    rating: str,
    comment: str = "",
    actor: AbstractBaseUser | None = None,
    **seen: Unpack[Seen],
) -> Order:
    """The resident rates the result (``actor=None``), or staff record it from a callback.

    满意/基本满意 closes the order; 不满意 sends it back for handling again one tier up.
    """
    if rating not in Rating.values:
        raise OrderError("bad_rating", _("请选择满意、基本满意或不满意。"))
    comment = _clean_text(comment, required=False, what="评价意见", limit=1000)
    who = Actor.staff(actor) if actor is not None else Actor.resident()

    def authorise(order: Order) -> None:
        if who.is_staff and not access.order_may(actor, "callback", order):
            raise OrderError("forbidden", _("你的岗位不能为这张工单登记评价。"))

    def apply(order: Order, now: datetime) -> _Change:
        order.rating = rating
        order.rating_comment = comment
        order.rated_at = now
        data = {"rating": rating}
        if rating == Rating.DISSATISFIED:
            order.redo_count += 1
            order.tier = min((order.tier or Tier.PROPERTY) + 1, TOP_TIER)
            order.resolved_at = None
            order.resolve_due_at = None
            _to_queue(order, QueueReason.REDO)
            data["redo_count"] = order.redo_count
            return _Change(Status.AWAITING_DISPATCH, note=comment, data=data)
        order.closed_at = now
        return _Change(Status.CLOSED, note=comment, data=data)

    return _move(
        order_id=order_id,
        action=Action.RATE,
        actor=who,
        apply=apply,
        authorise=authorise,
        **seen,
        same=lambda order: order.rating == rating,
    )


def order_close_unrated(*, order_id: int) -> Order:
    """Close an order whose rating window ended with no rating; never counted as satisfied."""
    return _move(
        order_id=order_id, action=Action.CLOSE_UNRATED, actor=Actor.system(), apply=_close_unrated
    )


def order_close_unrated_locked(*, order: Order) -> Order:
    """``order_close_unrated`` for an order the caller has locked in this transaction."""
    return _move(
        locked=order, action=Action.CLOSE_UNRATED, actor=Actor.system(), apply=_close_unrated
    )


def _close_unrated(order: Order, now: datetime) -> _Change:
    order.closed_at = now
    return _Change(Status.CLOSED, data={"unrated": True})


# --- cancel ---------------------------------------------------------------------


def order_cancel(
    *,
    order_id: int,
    reason: str,
    note: str = "",
    actor: AbstractBaseUser | None = None,
    duplicate_of: Order | None = None,
    **seen: Unpack[Seen],
) -> Order:
    """The resident cancels before sign-for (``actor=None``); staff cancel a duplicate or an
    invalid order."""
    who = Actor.staff(actor) if actor is not None else Actor.resident()
    note = _clean_text(note, required=False, what="说明", limit=500)

    def authorise(order: Order) -> None:
        if who.is_staff:
            if not access.order_may(actor, "cancel", order):
                raise OrderError("forbidden", _("你的岗位不能撤销这张工单。"))
            if reason not in (CancelReason.DUPLICATE, CancelReason.INVALID):
                raise OrderError("bad_reason", _("请说明是重复工单还是无效工单。"))
            if reason == CancelReason.INVALID and not note:
                raise OrderError("missing_note", _("撤销无效工单须填写说明。"))
            if reason == CancelReason.DUPLICATE:
                if duplicate_of is None or duplicate_of.pk == order.pk:
                    raise OrderError("missing_original", _("请填写与之重复的原工单编号。"))
        elif order.status not in RESIDENT_CANCELLABLE:
            raise OrderError(
                "already_signed", _("工单已被签收办理，不能再撤销。如有疑问请联系社区。")
            )

    def apply(order: Order, now: datetime) -> _Change:
        order.cancel_reason = reason if who.is_staff else CancelReason.RESIDENT
        order.cancelled_at = now
        data = {"reason": order.cancel_reason}
        if who.is_staff and reason == CancelReason.DUPLICATE:
            order.duplicate_of = duplicate_of
            data["duplicate_of"] = duplicate_of.reference
        order.handler_user = None
        order.handler_unit = None
        order.sign_due_at = None
        order.resolve_due_at = None
        return _Change(Status.CANCELLED, note=note, data=data)

    return _move(
        order_id=order_id,
        action=Action.CANCEL,
        actor=who,
        apply=apply,
        authorise=authorise,
        **seen,
    )


# --- notes ------------------------------------------------------------------------


def order_add_note(
    *, order_id: int, actor: AbstractBaseUser, note: str, action: str = Action.NOTE
) -> OrderEvent:
    """An event that does not move the status (a staff note, a supervision note)."""
    note = _clean_text(note, required=True, what="备注", limit=1000)
    with transaction.atomic():
        order = _lock(order_id)
        if not (access.order_may(actor, "note", order) or access.is_order_handler(actor, order)):
            raise OrderError("forbidden", _("你的岗位不能为这张工单添加备注。"))
        event = _record(
            order, action=action, actor=Actor.staff(actor), from_status="", to_status="", note=note
        )
        notify.after_event(event)
    return event


__all__ = [
    "Actor",
    "Channel",
    "OrderError",
    "default_handler",
    "handler_candidates",
    "order_add_note",
    "order_approve_extension",
    "order_cancel",
    "order_close_unrated",
    "order_close_unrated_locked",
    "order_dispatch",
    "order_escalate",
    "order_escalate_locked",
    "order_place",
    "order_rate",
    "order_refuse_extension",
    "order_request_extension",
    "order_resolve",
    "order_return",
    "order_sign",
]
