"""Writes driven by time limits: chase, overdue, escalation by the sweep, the rating
follow-up, supervision (督办) and callbacks (电话回访).

Each ``sweep_*`` step takes an order id and ``now``, locks the order row, re-checks on the
locked row that the step is still due and acts through the lifecycle services
(``orders.services``). The step's own column (``chase_due_at``, ``sign_due_at``,
``overdue_at``, ``rating_due_at``/``rating_stage``) changes in the same transaction, so a
second sweep, a redelivered task or a retry after a crash finds nothing left to do. Each
returns True when it acted.

The sweep itself locks a whole batch of orders in one ``SELECT … FOR UPDATE SKIP LOCKED``
and calls the ``*_locked`` form of each step with the locked instance: the same checks and
writes, without reading and locking every row a second (and, through the lifecycle
service, a third) time.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids import access
from grids.models import AreaLevel, Post, PostRole
from orders import deadlines, memo, notify, services
from orders.errors import OrderError
from orders.lifecycle import TOP_TIER, Action, QueueReason, Status, Tier
from orders.models import (
    CallbackStatus,
    CallbackTask,
    Order,
    OrderEvent,
    Rating,
    SignOverdueAction,
    SupervisionItem,
    SupervisionKind,
)

HANDLED = frozenset({Status.AWAITING_SIGN, Status.IN_PROGRESS, Status.EXTENSION_REQUESTED})
SYSTEM = services.Actor.system()


def _event(
    order: Order,
    *,
    action: str,
    at: datetime,
    note: str = "",
    data: dict | None = None,
    actor: services.Actor = SYSTEM,
) -> OrderEvent:
    return services._record(
        order, action=action, actor=actor, from_status="", to_status="", note=note, data=data, at=at
    )


def _post_holders(role: str, path: str) -> list:
    """Active users holding ``role`` on the area at ``path`` (once per sweep batch)."""

    def read() -> list:
        posts = Post.objects.filter(role=role, area__path=path, user__is_active=True)
        return [p.user for p in posts.select_related("user")]

    return list(memo.remembered(("post_holders", role, path), read))


def _street_officials(order: Order) -> list:
    codes = order.area.ancestor_codes
    return _post_holders(PostRole.STREET_OFFICIAL, codes[0] + "/")


def _dispatchers(order: Order) -> list:
    codes = order.area.ancestor_codes
    if len(codes) < AreaLevel.COMMUNITY:
        return []
    return _post_holders(
        PostRole.COMMUNITY_DISPATCHER, "/".join(codes[: AreaLevel.COMMUNITY]) + "/"
    )


def raise_supervision(*, order: Order, kind: str, at: datetime) -> tuple[SupervisionItem, bool]:
    """Open a supervision item for ``order`` unless one of this kind is open already."""
    existing = SupervisionItem.objects.filter(
        order=order, kind=kind, resolved_at__isnull=True
    ).first()
    if existing is not None:
        return existing, False
    item = SupervisionItem.objects.create(order=order, kind=kind, raised_at=at)
    notify.tell_staff(
        _street_officials(order),
        order=order,
        template="supervision_raised",
        body=_("【四单】工单 %(ref)s 已列入街道督办（%(kind)s）。")
        % {"ref": order.reference, "kind": SupervisionKind(kind).label},
        key=f"{item.pk}",
    )
    return item, True


# --- the sweep's steps -----------------------------------------------------------------


def sweep_chase(*, order_id: int, now: datetime) -> bool:
    """催办: remind the handler once, at the policy's share of the resolution limit."""
    with transaction.atomic():
        return chase_locked(order=services._lock(order_id), now=now)


def chase_locked(*, order: Order, now: datetime) -> bool:
    """``sweep_chase`` on an order locked in the current transaction (the caller's atomic
    block rolls back a failure)."""
    services._held(order)
    if order.chase_due_at is None or order.chase_due_at > now:
        return False
    if order.status not in HANDLED:
        order.chase_due_at = None  # no longer applicable; nothing to tell anyone
        order.save(update_fields=["chase_due_at"])
        return False
    due = order.resolve_due_at
    order.chase_due_at = None
    order.chased_at = now
    order.save(update_fields=["chase_due_at", "chased_at", "updated_at"])
    event = _event(
        order,
        action=Action.CHASE,
        at=now,
        data={"resolve_due_at": due.isoformat() if due else None},
    )
    notify.tell_staff(
        notify._staff_recipients(order),
        order=order,
        template="chase",
        body=_("【四单】催办：工单 %(ref)s（%(cat)s）将于 %(due)s 到期，请抓紧办理。")
        % {
            "ref": order.reference,
            "cat": order.category.name,
            "due": timezone.localtime(due).strftime("%m-%d %H:%M") if due else "",
        },
        key=f"{event.pk}",
    )
    return True


def sweep_sign_overdue(*, order_id: int, now: datetime) -> bool:
    """Not signed for in time: escalate one tier (or return to the dispatcher, per policy)."""
    with transaction.atomic():
        return sign_overdue_locked(order=services._lock(order_id), now=now)


def sign_overdue_locked(*, order: Order, now: datetime) -> bool:
    """``sweep_sign_overdue`` on an order locked in the current transaction; the move acts
    on this very instance, so it reflects the escalation or return afterwards."""
    services._held(order)
    if order.status != Status.AWAITING_SIGN or order.sign_due_at is None or order.sign_due_at > now:
        return False
    due = order.sign_due_at
    old_handlers = notify._staff_recipients(order)
    event = _event(
        order,
        action=Action.OVERDUE,
        at=now,
        note=_("超时未签收"),
        data={"kind": "sign", "due": due.isoformat(), "tier": order.tier},
    )
    policy = deadlines.on_sign_overdue(order)
    if policy == SignOverdueAction.RETURN_TO_DISPATCHER:
        _system_return(order=order, reason=_("超时未签收，系统退回派单员"))
    elif (order.tier or Tier.PROPERTY) >= TOP_TIER:
        # Nowhere higher to go: the street supervises it; stop re-firing.
        Order.objects.filter(pk=order.pk).update(sign_due_at=None)
        order.sign_due_at = None
        raise_supervision(order=order, kind=SupervisionKind.SIGN_OVERDUE, at=now)
    else:
        services.order_escalate_locked(order=order, reason=_("超时未签收，系统自动升级"))
    body = _("【四单】工单 %(ref)s 超时未签收，已%(what)s。") % {
        "ref": order.reference,
        "what": _("升级至「%(tier)s」") % {"tier": Tier(order.tier).label}
        if order.status == Status.AWAITING_SIGN and order.tier
        else _("退回社区重新派单"),
    }
    notify.tell_staff(
        old_handlers, order=order, template="sign_overdue", body=body, key=f"{event.pk}"
    )
    if order.status == Status.AWAITING_DISPATCH:
        notify.tell_staff(
            _dispatchers(order),
            order=order,
            template="sign_overdue_dispatch",
            body=body,
            key=f"{event.pk}",
        )
    return True


def _system_return(*, order: Order, reason: str) -> Order:
    def apply(order: Order, now: datetime) -> services._Change:
        data = {"returned_by_tier": order.tier, "sign_overdue": True}
        order.return_count += 1
        services._to_queue(order, QueueReason.RETURNED)
        return services._Change(Status.AWAITING_DISPATCH, note=reason, data=data)

    return services._move(locked=order, action=Action.RETURN, actor=SYSTEM, apply=apply)


def sweep_resolve_overdue(*, order_id: int, now: datetime) -> bool:
    """Not resolved in time: mark overdue, raise supervision, escalate one tier."""
    with transaction.atomic():
        return resolve_overdue_locked(order=services._lock(order_id), now=now)


def resolve_overdue_locked(*, order: Order, now: datetime) -> bool:
    """``sweep_resolve_overdue`` on an order locked in the current transaction."""
    services._held(order)
    if (
        order.status not in HANDLED
        or order.overdue_at is not None
        or order.resolve_due_at is None
        or order.resolve_due_at > now
    ):
        return False
    due = order.resolve_due_at
    # Written by the escalation's save below (which also reschedules), or on its own at the
    # top tier: one UPDATE either way.
    order.overdue_at = now
    old_handlers = notify._staff_recipients(order)
    event = _event(
        order,
        action=Action.OVERDUE,
        at=now,
        note=_("超期未办结"),
        data={"kind": "resolve", "due": due.isoformat(), "tier": order.tier},
    )
    raise_supervision(order=order, kind=SupervisionKind.OVERDUE, at=now)
    escalated = False
    if (order.tier or Tier.PROPERTY) < TOP_TIER:
        services.order_escalate_locked(order=order, reason=_("超期未办结，系统自动升级"))
        escalated = True
    else:
        order.save(update_fields=["overdue_at", "updated_at"])
    notify.tell_staff(
        old_handlers,
        order=order,
        template="resolve_overdue",
        body=_("【四单】工单 %(ref)s 已超期未办结，已列入街道督办%(more)s。")
        % {"ref": order.reference, "more": _("并升级") if escalated else ""},
        key=f"{event.pk}",
    )
    return True


def sweep_rating_step(*, order_id: int, now: datetime) -> bool:
    """After resolve: a reminder at 24 h, a callback task at 3 days, close unrated at 7 days."""
    with transaction.atomic():
        return rating_step_locked(order=services._lock(order_id), now=now)


def rating_step_locked(*, order: Order, now: datetime) -> bool:
    """``sweep_rating_step`` on an order locked in the current transaction."""
    services._held(order)
    if order.rating_due_at is None or order.rating_due_at > now:
        return False
    if order.status != Status.AWAITING_RATING:
        # Rated (or reopened) meanwhile: the follow-up ends; the callback is moot.
        Order.objects.filter(pk=order.pk).update(rating_due_at=None)
        order.rating_due_at = None
        CallbackTask.objects.filter(order=order, status=CallbackStatus.PENDING).update(
            status=CallbackStatus.EXPIRED
        )
        return False
    stage, resolved_at = order.rating_stage, order.resolved_at
    if stage == 0:
        notify.queue_message(
            recipient=order.resident_phone,
            channel="sms",
            template="rating_reminder",
            order=order,
            body=_("【四单】您的诉求 %(ref)s 已办理完毕，还没收到您的评价，请点击评价：%(url)s")
            % {"ref": order.reference, "url": notify.tracking_url(order)},
            dedupe_key=f"rating_reminder:{order.pk}:{resolved_at.isoformat()}",
        )
        _event(order, action=Action.RATING_REQUESTED, at=now, data={"reminder": True})
    elif stage == 1:
        CallbackTask.objects.create(order=order, due_at=now)
    else:
        # The follow-up ends with the close: the move's save writes both columns.
        order.rating_due_at, order.rating_stage = None, 3
        services.order_close_unrated_locked(order=order)
        CallbackTask.objects.filter(order=order, status=CallbackStatus.PENDING).update(
            status=CallbackStatus.EXPIRED
        )
        return True
    order.rating_stage = stage + 1
    order.rating_due_at = deadlines.rating_step_due(resolved_at=resolved_at, stage=stage + 1)
    Order.objects.filter(pk=order.pk).update(
        rating_stage=order.rating_stage, rating_due_at=order.rating_due_at
    )
    return True


# --- supervision and callbacks (staff) ----------------------------------------------------


def _may_supervise(user: AbstractBaseUser, order: Order) -> bool:
    return access.area_in_scope(user, order.area, roles=(PostRole.STREET_OFFICIAL,))


def supervision_add_note(*, item_id: int, actor: AbstractBaseUser, note: str) -> SupervisionItem:
    """A street official's supervision note: an event the handler sees, and a message to them."""
    with transaction.atomic():
        item = (
            SupervisionItem.objects.select_for_update()
            .select_related("order")
            .filter(pk=item_id)
            .first()
        )
        if item is None or not _may_supervise(actor, item.order):
            raise OrderError("not_found", _("督办事项不存在。"))
        event = services.order_add_note(
            order_id=item.order_id, actor=actor, note=note, action=Action.SUPERVISE
        )
        who = actor.get_full_name() or actor.username
        stamp = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        item.notes = (item.notes + "\n" if item.notes else "") + f"[{stamp} {who}] {event.note}"
        item.save(update_fields=["notes"])
        order = event.order
        notify.tell_staff(
            notify._staff_recipients(order),
            order=order,
            template="supervise",
            body=_("【四单】街道督办工单 %(ref)s：%(note)s")
            % {"ref": order.reference, "note": event.note},
            key=f"{event.pk}",
        )
    return item


def supervision_resolve(
    *, item_id: int, actor: AbstractBaseUser, now: datetime | None = None
) -> SupervisionItem:
    with transaction.atomic():
        item = (
            SupervisionItem.objects.select_for_update()
            .select_related("order__area")
            .filter(pk=item_id)
            .first()
        )
        if item is None or not _may_supervise(actor, item.order):
            raise OrderError("not_found", _("督办事项不存在。"))
        if item.resolved_at is None:
            item.resolved_at = now or services._now()
            item.resolved_by = actor
            item.save(update_fields=["resolved_at", "resolved_by"])
    return item


def callback_record(
    *,
    task_id: int,
    actor: AbstractBaseUser,
    reached: bool,
    resolved: bool | None = None,
    rating: str = "",
    note: str = "",
) -> CallbackTask:
    """Record a callback; a reached resident's rating is recorded on the order by staff."""
    if rating and rating not in Rating.values:
        raise OrderError("bad_rating", _("请选择满意、基本满意或不满意。"))
    note = services._clean_text(note, required=False, what="回访记录", limit=1000)
    with transaction.atomic():
        task = CallbackTask.objects.select_for_update().filter(pk=task_id).first()
        order = services._lock(task.order_id) if task else None
        if task is None or not access.order_may(actor, "callback", order):
            raise OrderError("not_found", _("回访任务不存在。"))
        if task.status != CallbackStatus.PENDING:
            raise OrderError("already_done", _("这条回访已经登记过了。"))
        now = services._now()
        task.reached = reached
        task.resolved = resolved if reached else None
        task.rating = rating if reached else ""
        task.note = note
        task.status = CallbackStatus.DONE
        task.done_by = actor
        task.done_at = now
        task.save()
        _event(
            order,
            action=Action.CALLBACK,
            at=now,
            note=note,
            actor=services.Actor.staff(actor),
            data={"reached": reached, "resolved": task.resolved, "rating": task.rating},
        )
        if reached and rating and order.status == Status.AWAITING_RATING:
            services.order_rate(order_id=order.pk, rating=rating, comment=note, actor=actor)
    return task
