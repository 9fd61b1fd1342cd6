"""Writes to orders: the only code that changes an order's status.

Every move goes through ``_move``, built on ``core.writer.transition``: it locks the order
row, checks the lifecycle table (``orders.lifecycle.MOVES``) and the actor's authority
(``orders.authority``), is a no-op when the same actor repeats the move that put the order
where it is (a double submit), writes exactly one status ``OrderEvent`` (followed by a
``due_changed`` event for each due time the move set, see ``Change.due_changes``) and
records its messages (``orders.notify``), delivered after commit. A refused move raises
``OrderError`` naming what happened to the order instead.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core import clock, writer
from core import forms as core_forms
from core.actors import RESIDENT, Actor
from core.people import person_name
from core.phones import is_landline, is_mobile, normalise_landline
from grids import access
from grids.models import PATH_SEPARATOR, Area, AreaLevel, MemberUnit
from orders import authority, deadlines, events, notify, repeats
from orders.errors import OrderError
from orders.lifecycle import (
    MOVES,
    OPEN_STATUSES,
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
    Order,
    OrderEvent,
    OrderPhoto,
    OrderSequence,
    PhotoKind,
    Rating,
    SupervisionKind,
)
from orders.services import handlers
from orders.services.alerts import (
    REPEAT_DISSATISFIED_SUPERVISED,
    raise_supervision,
    tell_dispatchers_of_new_order,
)
from orders.services.common import (
    Change,
    Seen,
    clean_text,
    lock_order,
    order_version,
    record_event,
)
from orders.services.pool_points import award_pool_points

MAX_PHOTOS = core_forms.MAX_PHOTOS  # per upload


# --- helpers ----------------------------------------------------------------


def _describe_last(order: Order) -> str:
    last = order.events.exclude(to_status="").select_related("actor").order_by("-at", "-id").first()
    if last is None:
        return ""
    who = (
        person_name(last.actor)
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


def _is_repeat(
    order: Order, action: str, actor: Actor, same: Callable[[Order], bool] | None
) -> bool:
    """The same actor repeating, with the same arguments, the move that put the order
    where it is."""
    last = order.events.exclude(to_status="").order_by("-at", "-id").first()
    return writer.is_repeat(
        last,
        action=action,
        status=order.status,
        actor_id=actor.user_id,
        actor_kind=actor.kind,
        same=None if same is None else (lambda: same(order)),
    )


def _move(
    *,
    order_id: int | None = None,
    locked: Order | None = None,
    action: str,
    actor: Actor,
    apply: Callable[[Order, datetime], Change],
    authorise: Callable[[Order], None] | None = None,
    expected_status: str | None = None,
    expected_version: int | None = None,
    same: Callable[[Order], bool] | None = None,
) -> Order:
    """Lock, check, apply, record one event, notify after commit (``core.writer.transition``).

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

    def stale(order: Order) -> bool:
        return (expected_status is not None and order.status != expected_status) or (
            expected_version is not None and order_version(order_id=order.pk) != expected_version
        )

    def check_authority(order: Order) -> None:
        if authorise is not None:
            authorise(order)
        else:
            authority.check_move(actor, action, order)

    def applied(order: Order, now: datetime) -> Change:
        from_status = order.status
        change = apply(order, now)
        # The dispatch limit follows the status (the writer saves the row after this).
        deadlines.dispatch_window(
            order, from_status=from_status, to_status=change.to_status, now=now
        )
        return change

    def record(order: Order, from_status: str, change: Change, now: datetime) -> None:
        event = events.event_row(
            order,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )
        # Due times the move set follow as DUE_CHANGED events, inserted with the status
        # event in one statement (ids in this order).
        rows = [event] + [
            events.due_changed(order, actor=actor, at=now, **due_change)
            for due_change in change.due_changes
        ]
        writer.insert_rows(OrderEvent, rows)
        notify.after_event(event)

    return writer.transition(
        row_id=order_id,
        locked=locked,
        lock=lock_order,
        moves=MOVES,
        action=action,
        apply=applied,
        record=record,
        refuse=lambda order: _refuse(order, action),
        stale=stale,
        repeated=lambda order: _is_repeat(order, action, actor, same),
        authorise=check_authority,
    )


def staff_move(
    action: str,
    *,
    order_id: int,
    actor: AbstractBaseUser,
    apply: Callable[[Order, datetime], Change],
    seen: Seen,
    authorise: Callable[[Order], None] | None = None,
) -> Order:
    """A staff move for writers kept in their own module (``orders.services.pool``): the
    same ``_move`` every move goes through, with an optional own authority check."""
    return _move(
        order_id=order_id,
        action=action,
        actor=Actor.staff(actor),
        apply=apply,
        authorise=authorise,
        **seen,
    )


def assign(order: Order, *, tier: int, handler_user, handler_unit, now: datetime) -> list[dict]:
    """``_assign`` for writers kept in their own module."""
    return _assign(order, tier=tier, handler_user=handler_user, handler_unit=handler_unit, now=now)


def _by_staff(
    action: str,
    *,
    order_id: int,
    actor: AbstractBaseUser,
    apply: Callable[[Order, datetime], Change],
    seen: Seen,
) -> Order:
    """A move made by a staff user from a page (carrying what that page showed)."""
    return _move(order_id=order_id, action=action, actor=Actor.staff(actor), apply=apply, **seen)


# --- handlers ---------------------------------------------------------------


def _assign(order: Order, *, tier: int, handler_user, handler_unit, now: datetime) -> list[dict]:
    """Hand ``order`` to a handler at ``tier``; returns the due-time changes to record."""
    order.tier = tier
    order.handler_user = handler_user
    order.handler_unit = handler_unit
    order.queue_reason = ""
    order.dispatched_at = now
    order.signed_at = None
    due_changes = deadlines.schedule(order, now=now)
    order.extension_requested_until = None
    order.extension_reason = ""
    return due_changes


def to_queue(order: Order, reason: str) -> None:
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


def scope_ids(area: Area) -> tuple[int | None, int | None]:
    """(community id, street id) of an area, read off its path — one query."""
    codes = area.ancestor_codes
    paths = [PATH_SEPARATOR.join(codes[:n]) + PATH_SEPARATOR for n in (1, 2) if len(codes) >= n]
    by_level = dict(Area.objects.filter(path__in=paths).values_list("level", "id"))
    return by_level.get(AreaLevel.COMMUNITY), by_level.get(AreaLevel.STREET)


def _contact_phone(value: str, *, by_staff: bool) -> str:
    """A resident placing their own order gives (and has verified) a mobile; staff taking
    a call may record a landline, or nothing for a resident who has no phone."""
    value = (value or "").strip()
    if is_mobile(value):
        return value
    if by_staff and not value:
        return ""
    if by_staff and is_landline(value):
        return normalise_landline(value)
    if by_staff:
        raise OrderError(
            "bad_phone",
            _("请输入 11 位手机号码、带区号的座机号码（如 0573-84123456），或留空。"),
        )
    raise OrderError("bad_phone", _("请输入 11 位中国大陆手机号码。"))


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
    show_on_wall: bool = True,
) -> Order:
    """A resident places an order (or staff on the resident's behalf): it waits for dispatch.
    ``show_on_wall``: the resident's choice whether the description appears on the wall."""
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    if area.level < AreaLevel.GRID:
        raise OrderError("bad_area", _("请选择具体的网格、小区或楼栋。"))
    if not category.is_active:
        raise OrderError("bad_category", _("这个类别已停用，请选择其他类别。"))
    if placed_by is not None and not access.may_intake_at(placed_by, area):
        raise OrderError("forbidden", _("这个位置不在你的岗位范围内。"))
    description = clean_text(description, required=True, what="问题描述")
    resident_phone = _contact_phone(resident_phone, by_staff=placed_by is not None)
    now = clock.now()
    actor = Actor.staff(placed_by) if placed_by else Actor.resident()
    community_id, street_id = scope_ids(area)
    original = repeats.probable_original(
        community_id=community_id,
        area_id=area.pk,
        category_id=category.pk,
        resident_phone=resident_phone,
        now=now,
    )
    with transaction.atomic():
        order = Order(
            reference=_next_reference(prefix=area.ancestor_codes[0], day=timezone.localdate(now)),
            community_id=community_id,
            street_id=street_id,
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
            show_on_wall=bool(show_on_wall),
            status=Status.AWAITING_DISPATCH,
            queue_reason=QueueReason.NEW,
            tier=category.default_tier,
            placed_at=now,
            repeat_of=original,
        )
        deadlines.dispatch_window(order, from_status="", to_status=order.status, now=now)
        order.save(force_insert=True)
        for photo in photos:
            OrderPhoto.objects.create(order=order, kind=PhotoKind.REPORT, image=photo)
        data = events.place_data(channel=channel, on_behalf=placed_by is not None)
        new_event = record_event(
            order,
            action=Action.PLACE,
            actor=actor,
            from_status="",
            to_status=order.status,
            data=data,
            at=now,
        )
        notify.after_event(new_event)
        tell_dispatchers_of_new_order(order, event=new_event)
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
    def apply(order: Order, now: datetime) -> Change:
        handlers.check_handler(order, tier, handler_user, handler_unit)
        due_changes = _assign(
            order, tier=tier, handler_user=handler_user, handler_unit=handler_unit, now=now
        )
        return Change(
            Status.AWAITING_SIGN,
            note=clean_text(note, required=False, what="备注"),
            due_changes=due_changes,
        )

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
    def apply(order: Order, now: datetime) -> Change:
        order.signed_at = now
        order.sign_due_at = None
        return Change(Status.IN_PROGRESS)

    return _by_staff(Action.SIGN, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_return(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    reason: str,
    **seen: Unpack[Seen],
) -> Order:
    reason = clean_text(reason, required=True, what="退单理由", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        data = events.return_data(returned_by_tier=order.tier)
        order.return_count += 1
        to_queue(order, QueueReason.RETURNED)
        return Change(Status.AWAITING_DISPATCH, note=reason, data=data)

    return _by_staff(Action.RETURN, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_return_locked(*, order: Order, reason: str) -> Order:
    """The deadline sweep returns an order nobody signed for to the dispatcher (policy
    ``return_to_dispatcher``); ``order`` is locked by the caller (see ``_move``)."""

    def apply(order: Order, now: datetime) -> Change:
        data = events.return_data(returned_by_tier=order.tier, sign_overdue=True)
        order.return_count += 1
        to_queue(order, QueueReason.RETURNED)
        return Change(Status.AWAITING_DISPATCH, note=reason, data=data)

    return _move(locked=order, action=Action.RETURN, actor=Actor.system(), apply=apply)


# --- extensions ---------------------------------------------------------------


def order_request_extension(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    until: datetime,
    reason: str,
    **seen: Unpack[Seen],
) -> Order:
    reason = clean_text(reason, required=True, what="延期理由", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        if until <= now or (order.resolve_due_at and until <= order.resolve_due_at):
            raise OrderError("bad_date", _("延期后的时限必须晚于现在的办结时限。"))
        order.extension_requested_until = until
        order.extension_reason = reason
        return Change(
            Status.EXTENSION_REQUESTED, note=reason, data=events.extension_request_data(until=until)
        )

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
    def apply(order: Order, now: datetime) -> Change:
        old = order.resolve_due_at
        due_changes = deadlines.extend(order, until=order.extension_requested_until)
        order.extension_requested_until = None
        data = events.extension_approval_data(old_due=old, new_due=order.resolve_due_at)
        return Change(
            Status.IN_PROGRESS,
            note=clean_text(note, required=False, what="备注"),
            data=data,
            due_changes=due_changes,
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
    note = clean_text(note, required=True, what="驳回理由", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        order.extension_requested_until = None
        return Change(Status.IN_PROGRESS, note=note)

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
    reason = clean_text(reason, required=True, what="升级理由", limit=500)
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
    reason = clean_text(reason, required=True, what="升级理由", limit=500)
    return _move(
        locked=order,
        action=Action.ESCALATE,
        actor=Actor.system(),
        apply=_escalation(reason=reason, handler_user=None, handler_unit=None),
    )


def _escalation(
    *, reason: str, handler_user: AbstractBaseUser | None, handler_unit: MemberUnit | None
) -> Callable[[Order, datetime], Change]:
    def apply(order: Order, now: datetime) -> Change:
        current = order.tier or Tier.PROPERTY
        if current >= TOP_TIER:
            raise OrderError("top_tier", _("这张工单已在最高一级（街道联席会议），无法再升级。"))
        new_tier = current + 1
        data = events.escalate_data(from_tier=current, to_tier=new_tier)
        order.escalation_count += 1
        user, unit = handler_user, handler_unit
        if user is None and unit is None:
            default = handlers.default_handler(order=order, tier=new_tier)
            if isinstance(default, MemberUnit):
                unit = default
            else:
                user = default
        if user is None and unit is None:
            to_queue(order, QueueReason.ESCALATED)
            order.tier = new_tier
            return Change(Status.AWAITING_DISPATCH, note=reason, data=data)
        handlers.check_handler(order, new_tier, user, unit)
        due_changes = _assign(order, tier=new_tier, handler_user=user, handler_unit=unit, now=now)
        return Change(Status.AWAITING_SIGN, note=reason, data=data, due_changes=due_changes)

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
    result_note = clean_text(result_note, required=True, what="办理结果")
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})

    def apply(order: Order, now: datetime) -> Change:
        order.result_note = result_note
        order.resolved_at = now
        order.extension_requested_until = None
        deadlines.start_rating_window(order, now=now)
        for photo in photos:
            OrderPhoto.objects.create(order=order, kind=PhotoKind.RESULT, image=photo)
        return Change(Status.AWAITING_RATING, note=result_note)

    return _by_staff(Action.RESOLVE, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_rate(
    *,
    order_id: int,
    rating: str,
    comment: str = "",
    actor: AbstractBaseUser | None = None,
    solved: bool | None = None,
    **seen: Unpack[Seen],
) -> Order:
    """The resident rates the result (``actor=None``), or staff record it from a callback.

    Two answers, as hotline assessment asks: ``solved`` (已解决 True / 未解决 False; None
    when not asked) and the satisfaction ``rating``. 满意/基本满意 closes the order;
    不满意 sends it back for handling again one tier up.
    """
    if solved is not None and not isinstance(solved, bool):
        raise OrderError("bad_solved", _("请选择已解决或未解决。"))
    if rating not in Rating.values:
        raise OrderError("bad_rating", _("请选择满意、基本满意或不满意。"))
    comment = clean_text(comment, required=False, what="评价意见", limit=1000)
    who = Actor.staff(actor) if actor is not None else Actor.resident()

    def authorise(order: Order) -> None:
        if who.is_staff and not authority.order_may(actor, "callback", order):
            raise OrderError("forbidden", _("你的岗位不能为这张工单登记评价。"))

    def apply(order: Order, now: datetime) -> Change:
        order.rating = rating
        order.solved = solved
        order.rating_comment = comment
        order.rated_at = now
        if rating == Rating.DISSATISFIED:
            order.redo_count += 1
            order.tier = min((order.tier or Tier.PROPERTY) + 1, TOP_TIER)
            order.resolved_at = None
            order.resolve_due_at = None
            to_queue(order, QueueReason.REDO)
            data = events.rate_data(rating=rating, solved=solved, redo_count=order.redo_count)
            if order.redo_count >= REPEAT_DISSATISFIED_SUPERVISED:
                # A second dissatisfied rating on the same order is supervised by the street.
                raise_supervision(order=order, kind=SupervisionKind.REPEAT_DISSATISFIED, at=now)
            return Change(Status.AWAITING_DISPATCH, note=comment, data=data)
        order.closed_at = now
        if order.pool_member_id:
            award_pool_points(order)  # a pool order closed satisfied (党员接单 points)
        return Change(
            Status.CLOSED, note=comment, data=events.rate_data(rating=rating, solved=solved)
        )

    return _move(
        order_id=order_id,
        action=Action.RATE,
        actor=who,
        apply=apply,
        authorise=authorise,
        **seen,
        same=lambda order: order.rating == rating and order.solved == solved,
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


def _close_unrated(order: Order, now: datetime) -> Change:
    order.closed_at = now
    return Change(Status.CLOSED, data=events.close_unrated_data())


# --- cancel ---------------------------------------------------------------------


def staff_cancel_refusal(
    *, reason: str, note: str, duplicate_of: Order | None, order_id: int | None = None
) -> OrderError | None:
    """Why a staff cancellation with these arguments is refused, or None: the one place the
    rules live (the cancel form shows the same refusal next to its field). ``note`` is
    the cleaned note; ``order_id`` the order cancelled, when known."""
    if reason not in (CancelReason.DUPLICATE, CancelReason.INVALID):
        return OrderError("bad_reason", _("请说明是重复工单还是无效工单。"))
    if reason == CancelReason.INVALID and not note:
        return OrderError("missing_note", _("撤销无效工单须填写说明。"))
    if reason == CancelReason.DUPLICATE and (
        duplicate_of is None or (order_id is not None and duplicate_of.pk == order_id)
    ):
        return OrderError("missing_original", _("请填写与之重复的原工单编号。"))
    return None


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
    note = clean_text(note, required=False, what="说明", limit=500)

    def authorise(order: Order) -> None:
        if who.is_staff:
            if not authority.order_may(actor, "cancel", order):
                raise OrderError("forbidden", _("你的岗位不能撤销这张工单。"))
            refusal = staff_cancel_refusal(
                reason=reason, note=note, duplicate_of=duplicate_of, order_id=order.pk
            )
            if refusal is not None:
                raise refusal
        elif order.status not in RESIDENT_CANCELLABLE:
            raise OrderError(
                "already_signed", _("工单已被签收办理，不能再撤销。如有疑问请联系社区。")
            )

    def apply(order: Order, now: datetime) -> Change:
        order.cancel_reason = reason if who.is_staff else CancelReason.RESIDENT
        order.cancelled_at = now
        duplicate_ref = None
        if who.is_staff and reason == CancelReason.DUPLICATE:
            order.duplicate_of = duplicate_of
            duplicate_ref = duplicate_of.reference
        data = events.cancel_data(reason=order.cancel_reason, duplicate_of=duplicate_ref)
        order.handler_user = None
        order.handler_unit = None
        order.sign_due_at = None
        order.resolve_due_at = None
        return Change(Status.CANCELLED, note=note, data=data)

    return _move(
        order_id=order_id,
        action=Action.CANCEL,
        actor=who,
        apply=apply,
        authorise=authorise,
        **seen,
    )


# --- repeated requests -------------------------------------------------------------


def order_merge(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    into: Order,
    note: str = "",
    **seen: Unpack[Seen],
) -> Order:
    """Merge a repeated request (waiting for dispatch) into its open original: it ends
    cancelled with reason MERGED, pointing at the original, whose timeline records it.
    Its resident is told, and told the original's result when it is resolved
    (``orders.notify``)."""
    note = clean_text(note, required=False, what="说明", limit=500)

    def authorise(order: Order) -> None:
        authority.check_move(Actor.staff(actor), Action.MERGE, order)
        if into.pk == order.pk or into.duplicate_of_id == order.pk:
            raise OrderError("bad_original", _("不能把工单合并到它自己。"))
        if into.status not in OPEN_STATUSES and into.status != Status.AWAITING_RATING:
            raise OrderError(
                "original_closed", _("原工单 %(ref)s 已办结或撤销，不能再合并。") % {"ref": into}
            )
        if not authority.is_order_dispatcher(actor, into):
            raise OrderError("forbidden", _("原工单 %(ref)s 不在你的派单范围内。") % {"ref": into})

    def apply(order: Order, now: datetime) -> Change:
        order.cancel_reason = CancelReason.MERGED
        order.cancelled_at = now
        order.duplicate_of = into
        order.repeat_of = None
        order.handler_user = None
        order.handler_unit = None
        order.sign_due_at = None
        order.resolve_due_at = None
        return Change(Status.CANCELLED, note=note, data=events.merge_data(into=into.reference))

    with transaction.atomic():
        # Both rows locked, in id order (two merges at once cannot wait on each other);
        # the original is read again under its lock.
        first, second = sorted((order_id, into.pk))
        lock_order(first)
        locked_second = lock_order(second)
        if into.pk == second:
            into = locked_second
        elif into.pk == first:
            into = lock_order(first)
        merged = _move(
            order_id=order_id,
            action=Action.MERGE,
            actor=Actor.staff(actor),
            apply=apply,
            authorise=authorise,
            **seen,
        )
        if (
            merged.duplicate_of_id == into.pk
            and not into.events.filter(
                action=Action.MERGED_IN, data__merged=merged.reference
            ).exists()
        ):
            record_event(
                into,
                action=Action.MERGED_IN,
                actor=Actor.staff(actor),
                from_status="",
                to_status="",
                note=note,
                data=events.merged_in_data(merged=merged.reference),
            )
    return merged


def order_keep_both(*, order_id: int, actor: AbstractBaseUser, note: str = "") -> OrderEvent:
    """A dispatcher decides a flagged repeat is a matter of its own: the flag goes, the
    decision stays on the timeline. No status change."""
    note = clean_text(note, required=False, what="说明", limit=500)
    with transaction.atomic():
        order = lock_order(order_id)
        if not authority.order_may(actor, Action.MERGE, order):
            raise OrderError("forbidden", _("你的岗位不能处理这张工单的重复提示。"))
        if order.repeat_of_id is None:
            raise OrderError("not_flagged", _("这张工单没有疑似重复的提示。"))
        original = Order.objects.only("reference").get(pk=order.repeat_of_id)
        order.repeat_of = None
        order.save(update_fields=["repeat_of", "updated_at"])
        return record_event(
            order,
            action=Action.KEEP_BOTH,
            actor=Actor.staff(actor),
            from_status="",
            to_status="",
            note=note,
            data=events.keep_both_data(repeat_of=original.reference),
        )


# --- notes ------------------------------------------------------------------------


def order_add_note(
    *, order_id: int, actor: AbstractBaseUser, note: str, action: str = Action.NOTE
) -> OrderEvent:
    """An event that does not move the status (a staff note, a supervision note)."""
    note = clean_text(note, required=True, what="备注", limit=1000)
    with transaction.atomic():
        order = lock_order(order_id)
        allowed = (
            authority.may_follow_up(actor, order)
            if action == Action.NOTE
            else authority.may_note(actor, order)
        )
        if not allowed:
            raise OrderError("forbidden", _("你的岗位不能为这张工单添加备注。"))
        event = record_event(
            order, action=action, actor=Actor.staff(actor), from_status="", to_status="", note=note
        )
        notify.after_event(event)
    return event


# --- asking the resident, and the resident's follow-up ---------------------------------

# A follow-up is a few lines and photos, not a chat: bounded per order.
MAX_FOLLOWUPS = 10


def order_ask_resident(*, order_id: int, actor: AbstractBaseUser, question: str) -> OrderEvent:
    """Staff ask the resident for more information; the resident gets an SMS with the
    tracking link and answers there (``order_resident_add``). Open orders only."""
    question = clean_text(question, required=True, what="需要居民补充的内容", limit=300)
    with transaction.atomic():
        order = lock_order(order_id)
        if not authority.may_note(actor, order):
            raise OrderError("forbidden", _("你的岗位不能为这张工单联系居民。"))
        if order.status not in OPEN_STATUSES:
            raise OrderError("bad_move", _("工单已办结或撤销，不能再请居民补充。"))
        if not is_mobile(order.resident_phone):
            raise OrderError("no_phone", _("这张工单没有居民的手机号码，请电话或上门了解。"))
        event = record_event(
            order,
            action=Action.ASK_RESIDENT,
            actor=Actor.staff(actor),
            from_status="",
            to_status="",
            note=question,
        )
        notify.after_event(event)
    return event


def order_resident_add(
    *, order_id: int, text: str, photos: Iterable[UploadedFile] = ()
) -> OrderEvent:
    """The resident adds detail or photos to their own open order (the caller has proven
    the resident's phone); whoever handles it is told."""
    text = clean_text(text, required=True, what="补充说明", limit=1000)
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        raise OrderError("too_many_photos", _("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS})
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in OPEN_STATUSES:
            raise OrderError("bad_move", _("这件诉求已办结或撤销，不能再补充。"))
        if order.events.filter(action=Action.RESIDENT_ADD).count() >= MAX_FOLLOWUPS:
            raise OrderError(
                "too_many",
                _("这件诉求已经补充了 %(n)s 次，请等待承办方联系您。") % {"n": MAX_FOLLOWUPS},
            )
        for photo in photos:
            OrderPhoto.objects.create(order=order, kind=PhotoKind.FOLLOWUP, image=photo)
        event = record_event(
            order,
            action=Action.RESIDENT_ADD,
            actor=Actor.resident(),
            from_status="",
            to_status="",
            note=text,
            data={"photos": len(photos)},
        )
        notify.after_event(event)
    return event


# --- unit claim (认领, issue 12) ------------------------------------------------------------


def order_unit_claim(
    *,
    order_id: int,
    actor: AbstractBaseUser,
    unit: MemberUnit | None,
    note: str = "",
    **seen: Unpack[Seen],
) -> Order:
    """A member unit's liaison claims an open order of one of its communities
    (``grids.access.unit_community_paths``): the unit takes it at tier 3, signed for at
    once, with the resolution limit from now."""
    note = clean_text(note, required=False, what="备注", limit=500)

    def authorise(order: Order) -> None:
        if unit is None or not unit.is_active or not authority.may_unit_claim(actor, order, unit):
            raise OrderError("forbidden", _("只能认领本单位所联系社区的待派工单。"))

    def apply(order: Order, now: datetime) -> Change:
        due_changes = _assign(
            order, tier=Tier.MEMBER_UNIT, handler_user=None, handler_unit=unit, now=now
        )
        order.signed_at = now
        order.sign_due_at = None
        return Change(
            Status.IN_PROGRESS,
            note=note,
            data=events.unit_claim_data(unit_id=unit.pk, unit_name=unit.name),
            due_changes=[c for c in due_changes if c["field"] != "sign_due_at"],
        )

    return _move(
        order_id=order_id,
        action=Action.UNIT_CLAIM,
        actor=Actor.staff(actor),
        apply=apply,
        authorise=authorise,
        **seen,
        same=lambda order: order.handler_unit_id == getattr(unit, "pk", None),
    )
