"""The open pool (党员接单, issue 13): the writers of its four moves.

A dispatcher puts an order waiting for dispatch into its community's pool
(``order_to_pool``) or takes it back (``order_withdraw_from_pool``); a verified party
member registered to that community claims it (``order_claim``) — the row lock makes
exactly one of two claimers win, the other is told who claimed it — and then handles it
like any handler (resolve, extension: the member is the handler user at the order's
tier), or hands it back to the pool with a reason (``order_return_to_pool``). Every move
goes through the one order writer (``lifecycle.staff_move``) and the table
``orders.lifecycle.POOL_MOVES``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Unpack

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from orders import authority
from orders.errors import OrderError
from orders.lifecycle import Action, QueueReason, Status
from orders.models import Order
from orders.services.common import Change, Seen, clean_text
from orders.services.lifecycle import assign, staff_move, to_queue


def order_to_pool(
    *, order_id: int, actor: AbstractBaseUser, note: str = "", **seen: Unpack[Seen]
) -> Order:
    note = clean_text(note, required=False, what="备注", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        if order.community_id is None:
            raise OrderError("no_community", _("这张工单不属于任何社区，不能放入党员接单池。"))
        to_queue(order, "")
        order.pooled_at = now
        order.pool_member = None
        return Change(Status.IN_POOL, note=note)

    return staff_move(Action.TO_POOL, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_withdraw_from_pool(
    *, order_id: int, actor: AbstractBaseUser, reason: str, **seen: Unpack[Seen]
) -> Order:
    reason = clean_text(reason, required=True, what="撤回理由", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        order.pooled_at = None
        to_queue(order, QueueReason.RETURNED)
        return Change(Status.AWAITING_DISPATCH, note=reason)

    return staff_move(Action.WITHDRAW_POOL, order_id=order_id, actor=actor, apply=apply, seen=seen)


def order_claim(*, order_id: int, actor: AbstractBaseUser, **seen: Unpack[Seen]) -> Order:
    """A verified party member of the order's community claims it from the pool."""
    member_of: dict = {}

    def authorise(order: Order) -> None:
        member = authority.pool_member_for(actor, order)
        if member is None:
            raise OrderError("forbidden", _("只有在本社区报到并通过审核的在职党员可以接单。"))
        member_of["member"] = member

    def apply(order: Order, now: datetime) -> Change:
        member = member_of["member"]
        tier = order.tier or order.category.default_tier
        due_changes = assign(order, tier=tier, handler_user=actor, handler_unit=None, now=now)
        order.signed_at = now
        order.sign_due_at = None
        order.pool_member = member
        return Change(Status.IN_PROGRESS, data={"member": member.pk}, due_changes=due_changes)

    return staff_move(
        Action.CLAIM, order_id=order_id, actor=actor, apply=apply, seen=seen, authorise=authorise
    )


def order_return_to_pool(
    *, order_id: int, actor: AbstractBaseUser, reason: str, **seen: Unpack[Seen]
) -> Order:
    """The claiming member hands the order back to the pool, with a reason."""
    reason = clean_text(reason, required=True, what="退回理由", limit=500)

    def apply(order: Order, now: datetime) -> Change:
        to_queue(order, "")
        order.pool_member = None
        order.pooled_at = now
        order.resolve_due_at = None
        order.chase_due_at = None
        order.extension_requested_until = None
        return Change(Status.IN_POOL, note=reason)

    return staff_move(Action.RETURN_TO_POOL, order_id=order_id, actor=actor, apply=apply, seen=seen)
