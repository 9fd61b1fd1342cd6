"""Bulk dispatch: several orders to one handler, all or nothing.

Each order goes through the one dispatch writer (``order_dispatch``: lock, lifecycle
table, authority, one event, messages after commit), inside one transaction. When any
order cannot be dispatched — already dispatched by someone else, outside the handler's
patch — none is: the transaction rolls back and the error names every refused order and
why, so the dispatcher can untick those and send the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from grids.models import MemberUnit
from orders.errors import OrderError
from orders.lifecycle import Status
from orders.models import Order
from orders.services.lifecycle import order_dispatch

# A board page holds 25 rows; a bulk dispatch is at most a few pages' worth.
MAX_BULK = 100


@dataclass(frozen=True)
class Refusal:
    order_id: int
    reference: str
    message: str


class BulkDispatchError(OrderError):
    """Some orders could not be dispatched; ``refusals`` says which and why (none was)."""

    def __init__(self, refusals: list[Refusal]) -> None:
        self.refusals = refusals
        lines = "；".join(f"{r.reference}：{r.message}" for r in refusals)
        super().__init__(
            "bulk_refused",
            _("没有派出任何工单，以下 %(n)s 张不能派给所选承办方：%(lines)s")
            % {"n": len(refusals), "lines": lines},
        )


def order_dispatch_many(
    *,
    order_ids: list[int],
    actor: AbstractBaseUser,
    tier: int,
    handler_user: AbstractBaseUser | None = None,
    handler_unit: MemberUnit | None = None,
    note: str = "",
) -> list[Order]:
    """Dispatch every order of ``order_ids`` (each seen waiting for dispatch) to one
    handler at ``tier`` — one dispatch event per order — or none of them."""
    ids = list(dict.fromkeys(order_ids))
    if not ids:
        raise OrderError("nothing_chosen", _("请先勾选要派出的工单。"))
    if len(ids) > MAX_BULK:
        raise OrderError("too_many", _("一次最多批量派出 %(n)s 张工单。") % {"n": MAX_BULK})
    references = dict(Order.objects.filter(pk__in=ids).values_list("pk", "reference"))
    dispatched: list[Order] = []
    refusals: list[Refusal] = []
    with transaction.atomic():
        for order_id in ids:
            try:
                dispatched.append(
                    order_dispatch(
                        order_id=order_id,
                        actor=actor,
                        tier=tier,
                        handler_user=handler_user,
                        handler_unit=handler_unit,
                        note=note,
                        expected_status=Status.AWAITING_DISPATCH,
                    )
                )
            except OrderError as refused:
                refusals.append(
                    Refusal(order_id, references.get(order_id, str(order_id)), refused.message)
                )
        if refusals:
            raise BulkDispatchError(refusals)
    return dispatched
