"""Staff writes on supervision items (督办) and callbacks (电话回访)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.actors import Actor
from core.people import person_name
from grids import access
from grids.models import PostRole
from orders import authority, events, notify
from orders.errors import OrderError
from orders.lifecycle import FINAL_STATUSES, OPEN_STATUSES, Action, Status
from orders.models import (
    CallbackStatus,
    CallbackTask,
    Order,
    OrderEvent,
    Rating,
    SupervisionItem,
    SupervisionKind,
)
from orders.services import alerts
from orders.services.alerts import raise_supervision
from orders.services.common import clean_text, lock_order, record_event
from orders.services.lifecycle import order_add_note, order_rate


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
        event = order_add_note(
            order_id=item.order_id, actor=actor, note=note, action=Action.SUPERVISE
        )
        who = person_name(actor)
        stamp = timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M")
        item.notes = (item.notes + "\n" if item.notes else "") + f"[{stamp} {who}] {event.note}"
        item.save(update_fields=["notes"])
        order = event.order
        notify.tell_staff(
            notify.staff_recipients(order),
            order=order,
            template="supervise",
            body=_("【四单】街道督办工单 %(ref)s：%(note)s")
            % {"ref": order.reference, "note": event.note},
            key=f"{event.pk}",
        )
    return item


def order_chase(*, order_id: int, actor: AbstractBaseUser, note: str) -> OrderEvent:
    """催办 by hand: a dispatcher or street official presses an open order with a note. The
    handler is told (or, waiting for dispatch, the community's dispatchers); an event,
    no status change."""
    note = clean_text(note, required=True, what="催办意见", limit=500)
    with transaction.atomic():
        order = lock_order(order_id)
        if not authority.order_may(actor, Action.CHASE, order):
            raise OrderError("forbidden", _("你的岗位不能催办这张工单。"))
        if order.status not in OPEN_STATUSES:
            raise OrderError("not_open", _("工单已办结或撤销，无需催办。"))
        event = record_event(
            order,
            action=Action.CHASE,
            actor=Actor.staff(actor),
            note=note,
            data=events.manual_chase_data(),
        )
        recipients = notify.staff_recipients(order) or alerts.dispatchers(order)
        notify.tell_staff(
            [u for u in recipients if u.pk != actor.pk],
            order=order,
            template="chase_manual",
            body=_("【四单】%(who)s催办工单 %(ref)s：%(note)s")
            % {"who": person_name(actor), "ref": order.reference, "note": note},
            key=f"{event.pk}",
        )
    return event


def order_supervise(*, order_id: int, actor: AbstractBaseUser, note: str) -> SupervisionItem:
    """督办 by hand: a street official puts any open (or awaiting rating) order of their
    scope under supervision with a note — a supervision item of kind MANUAL, a SUPERVISE
    event, and a message to whoever handles it."""
    note = clean_text(note, required=True, what="督办意见", limit=500)
    with transaction.atomic():
        order = lock_order(order_id)
        if not _may_supervise(actor, order):
            raise OrderError("forbidden", _("只有街道干部可以对本街道的工单督办。"))
        if order.status in FINAL_STATUSES:
            raise OrderError("not_open", _("工单已办结或撤销，不能再督办。"))
        now = clock.now()
        item, created = raise_supervision(order=order, kind=SupervisionKind.MANUAL, at=now)
        if not created:
            raise OrderError("already", _("这张工单已在街道督办中，可在督办列表补充意见。"))
        event = record_event(
            order,
            action=Action.SUPERVISE,
            actor=Actor.staff(actor),
            note=note,
            at=now,
            data=events.manual_chase_data(),
        )
        stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
        item.notes = f"[{stamp} {person_name(actor)}] {note}"
        item.save(update_fields=["notes"])
        notify.tell_staff(
            notify.staff_recipients(order) or alerts.dispatchers(order),
            order=order,
            template="supervise",
            body=_("【四单】街道督办工单 %(ref)s：%(note)s")
            % {"ref": order.reference, "note": note},
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
            item.resolved_at = now or clock.now()
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
    note = clean_text(note, required=False, what="回访记录", limit=1000)
    with transaction.atomic():
        task = CallbackTask.objects.select_for_update().filter(pk=task_id).first()
        order = lock_order(task.order_id) if task else None
        if task is None or not authority.order_may(actor, "callback", order):
            raise OrderError("not_found", _("回访任务不存在。"))
        if task.status != CallbackStatus.PENDING:
            raise OrderError("already_done", _("这条回访已经登记过了。"))
        now = clock.now()
        task.reached = reached
        task.resolved = resolved if reached else None
        task.rating = rating if reached else ""
        task.note = note
        task.status = CallbackStatus.DONE
        task.done_by = actor
        task.done_at = now
        task.save()
        rates_order = bool(reached and rating and order.status == Status.AWAITING_RATING)
        record_event(
            order,
            action=Action.CALLBACK,
            actor=Actor.staff(actor),
            at=now,
            note=note,
            data=events.callback_data(
                reached=reached,
                resolved=task.resolved,
                rating=task.rating,
                rated_order=rates_order,
            ),
        )
        if rates_order:
            order_rate(
                order_id=order.pk,
                rating=rating,
                solved=task.resolved,
                comment=note,
                actor=actor,
            )
    return task
