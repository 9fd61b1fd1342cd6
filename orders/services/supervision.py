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
from orders.lifecycle import Action, Status
from orders.models import CallbackStatus, CallbackTask, Order, Rating, SupervisionItem
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
