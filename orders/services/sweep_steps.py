"""The deadline sweep's steps (``orders.sweep``): chase, sign-for and resolution overdue
(escalation or return by the system), and the rating follow-up.

Each ``*_locked`` step takes an order whose row the sweep locked in the current
transaction (checked) and ``now``, re-checks on the locked row that the step is still due
and acts through the lifecycle services (``orders.services.lifecycle``). The step's own
column (``chase_due_at``, ``sign_due_at``, ``overdue_at``, ``rating_due_at``/``rating_stage``)
changes in the same transaction, so a second sweep, a redelivered task or a retry after a
crash finds nothing left to do. Each returns True when it acted.

The sweep locks a whole batch of orders in one ``SELECT … FOR UPDATE SKIP LOCKED`` and
calls a step with each locked instance, so no row is read and locked a second time.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from core import writer
from core.actors import Actor
from orders import deadlines, events, notify
from orders.lifecycle import BEING_HANDLED, TOP_TIER, Action, Status, Tier
from orders.models import (
    CallbackStatus,
    CallbackTask,
    Order,
    OrderEvent,
    SignOverdueAction,
    SupervisionKind,
)
from orders.services import alerts
from orders.services.common import held_order, record_event
from orders.services.lifecycle import (
    order_close_unrated_locked,
    order_escalate_locked,
    order_return_locked,
)

SYSTEM = Actor.system()


def _event(
    order: Order, *, action: str, at: datetime, note: str = "", data: dict | None = None
) -> OrderEvent:
    return record_event(order, action=action, actor=SYSTEM, at=at, note=note, data=data)


def chase_locked(*, order: Order, now: datetime) -> bool:
    """催办: remind the handler once, at the policy's share of the resolution limit (the
    caller's atomic block rolls back a failure)."""
    held_order(order)
    if order.chase_due_at is None or order.chase_due_at > now:
        return False
    if order.status not in BEING_HANDLED:
        order.chase_due_at = None  # no longer applicable; nothing to tell anyone
        writer.save_row(order, ["chase_due_at"])
        return False
    due = order.resolve_due_at
    order.chase_due_at = None
    order.chased_at = now
    writer.save_row(order, ["chase_due_at", "chased_at", "updated_at"])
    event = _event(
        order,
        action=Action.CHASE,
        at=now,
        data=events.chase_data(resolve_due_at=due),
    )
    notify.tell_staff(
        notify.staff_recipients(order),
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


def sign_overdue_locked(*, order: Order, now: datetime) -> bool:
    """Not signed for in time: escalate one tier (or return to the dispatcher, per policy);
    the move acts on this very instance, so it reflects the escalation or return afterwards."""
    held_order(order)
    if order.status != Status.AWAITING_SIGN or order.sign_due_at is None or order.sign_due_at > now:
        return False
    due = order.sign_due_at
    old_handlers = notify.staff_recipients(order)
    event = _event(
        order,
        action=Action.OVERDUE,
        at=now,
        note=_("超时未签收"),
        data=events.overdue_data(kind="sign", due=due, tier=order.tier),
    )
    policy = deadlines.on_sign_overdue(order)
    if policy == SignOverdueAction.RETURN_TO_DISPATCHER:
        order_return_locked(order=order, reason=_("超时未签收，系统退回派单员"))
    elif (order.tier or Tier.PROPERTY) >= TOP_TIER:
        # Nowhere higher to go: the street supervises it; stop re-firing.
        order.sign_due_at = None
        writer.save_row(order, ["sign_due_at"])
        alerts.raise_supervision(order=order, kind=SupervisionKind.SIGN_OVERDUE, at=now)
    else:
        order_escalate_locked(order=order, reason=_("超时未签收，系统自动升级"))
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
            alerts.dispatchers(order),
            order=order,
            template="sign_overdue_dispatch",
            body=body,
            key=f"{event.pk}",
        )
    return True


def resolve_overdue_locked(*, order: Order, now: datetime) -> bool:
    """Not resolved in time: mark overdue, raise supervision, escalate one tier."""
    held_order(order)
    if (
        order.status not in BEING_HANDLED
        or order.overdue_at is not None
        or order.resolve_due_at is None
        or order.resolve_due_at > now
    ):
        return False
    due = order.resolve_due_at
    # Written by the escalation's save below (which also reschedules), or on its own at the
    # top tier: one UPDATE either way.
    order.overdue_at = now
    old_handlers = notify.staff_recipients(order)
    event = _event(
        order,
        action=Action.OVERDUE,
        at=now,
        note=_("超期未办结"),
        data=events.overdue_data(kind="resolve", due=due, tier=order.tier),
    )
    alerts.raise_supervision(order=order, kind=SupervisionKind.OVERDUE, at=now)
    escalated = False
    if (order.tier or Tier.PROPERTY) < TOP_TIER:
        order_escalate_locked(order=order, reason=_("超期未办结，系统自动升级"))
        escalated = True
    else:
        writer.save_row(order, ["overdue_at", "updated_at"])
    notify.tell_staff(
        old_handlers,
        order=order,
        template="resolve_overdue",
        body=_("【四单】工单 %(ref)s 已超期未办结，已列入街道督办%(more)s。")
        % {"ref": order.reference, "more": _("并升级") if escalated else ""},
        key=f"{event.pk}",
    )
    return True


def dispatch_overdue_locked(*, order: Order, now: datetime) -> bool:
    """Not dispatched in time: chase the community's dispatchers at the dispatch limit, then,
    one more limit later, raise supervision for the street (``dispatch_stage`` 0 → 1 → 2)."""
    held_order(order)
    if order.dispatch_sweep_at is None or order.dispatch_sweep_at > now:
        return False
    if order.status != Status.AWAITING_DISPATCH:
        # Moved on meanwhile (the writer clears the columns; an old row may still carry them).
        order.dispatch_due_at = order.dispatch_sweep_at = None
        writer.save_row(order, ["dispatch_due_at", "dispatch_sweep_at"])
        return False
    due = order.dispatch_due_at or order.dispatch_sweep_at
    if order.dispatch_stage == 0:
        order.dispatch_stage = 1
        order.dispatch_sweep_at = deadlines.dispatch_supervise_due(order=order, due=due)
        writer.save_row(order, ["dispatch_stage", "dispatch_sweep_at"])
        event = _event(
            order,
            action=Action.OVERDUE,
            at=now,
            note=_("超时未派单"),
            data=events.overdue_data(kind="dispatch", due=due, tier=order.tier),
        )
        notify.tell_staff(
            alerts.dispatchers(order),
            order=order,
            template="dispatch_overdue",
            body=_(
                "【四单】催办：工单 %(ref)s（%(cat)s，%(urgency)s）"
                "已超过派单时限 %(due)s，请尽快派单。"
            )
            % {
                "ref": order.reference,
                "cat": order.category.name,
                "urgency": order.get_urgency_display(),
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            },
            key=f"{event.pk}",
        )
        return True
    order.dispatch_stage = 2
    order.dispatch_sweep_at = None
    writer.save_row(order, ["dispatch_stage", "dispatch_sweep_at"])
    alerts.raise_supervision(order=order, kind=SupervisionKind.DISPATCH_OVERDUE, at=now)
    return True


def rating_step_locked(*, order: Order, now: datetime) -> bool:
    """After resolve: a reminder at 24 h, a callback task at 3 days, close unrated at 7 days."""
    held_order(order)
    if order.rating_due_at is None or order.rating_due_at > now:
        return False
    if order.status != Status.AWAITING_RATING:
        # Rated (or reopened) meanwhile: the follow-up ends; the callback is moot.
        order.rating_due_at = None
        writer.save_row(order, ["rating_due_at"])
        _expire_callbacks(order)
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
        _event(
            order,
            action=Action.RATING_REQUESTED,
            at=now,
            data=events.rating_requested_data(reminder=True),
        )
    elif stage == 1:
        writer.insert_rows(CallbackTask, [CallbackTask(order=order, due_at=now)])
    else:
        # The follow-up ends with the close: the move's save writes both columns.
        order.rating_due_at, order.rating_stage = None, 3
        order_close_unrated_locked(order=order)
        _expire_callbacks(order)
        return True
    order.rating_stage = stage + 1
    order.rating_due_at = deadlines.rating_step_due(resolved_at=resolved_at, stage=stage + 1)
    writer.save_row(order, ["rating_stage", "rating_due_at"])
    return True


def _expire_callbacks(order: Order) -> None:
    writer.update_rows(
        CallbackTask,
        key=("order_id", order.pk),
        where={"status": CallbackStatus.PENDING},
        values={"status": CallbackStatus.EXPIRED},
    )
