"""The four-order lifecycle: statuses and the only moves allowed between them.

The flow (居民点单 → 社区派单 → 委员接单 → 群众评单)::

    place ──► AWAITING_DISPATCH ──dispatch──► AWAITING_SIGN ──sign──► IN_PROGRESS ──resolve──► AWAITING_RATING
                 ▲    ▲    ▲                    │   ▲                  │   ▲  │                     │
                 │    │    └──────return────────┘   └────escalate──────┘   │  └─request_extension─► EXTENSION_REQUESTED
                 │    │                                                    └── approve/refuse ◄──────┘
                 │    └──────────────── rate(不满意): redo one tier up ◄──────────────────────────────┤
                 │                                                                                    ▼
    cancel (before sign-for by the resident; by staff until resolved) ──► CANCELLED        rate(满意/基本满意), close_unrated ──► CLOSED

* **place** — a resident (mobile form, QR code) or staff on the resident's behalf creates
  the order; it waits in the community's dispatch queue.
* **dispatch** — a dispatcher sends it to a handler at a tier: 1 the compound's property
  manager, 2 the grid leader, 3 a member unit of the community's big party committee,
  4 the street joint meeting (a street official).
* **sign** (签收) — the handler accepts it; **return** (退单) — the handler sends it back to
  the dispatcher's queue with a reason, marked returned.
* **request_extension** — the handler asks for a later due time; the dispatcher
  **approve_extension**s or **refuse_extension**s it.
* **escalate** — staff (or the deadline sweep) move it to the next tier; it waits for
  sign-for there, or in the dispatch queue marked escalated when that tier has no
  obvious handler.
* **resolve** — the handler reports the result; the resident is asked to **rate** it.
  满意/基本满意 closes it; 不满意 reopens it for handling again (重办) one tier up, in the
  dispatch queue marked redo. **close_unrated** closes an order nobody rated in time.
* **cancel** — the resident before sign-for, or staff as duplicate/invalid.
* **merge** — a dispatcher joins a repeated request, still waiting for dispatch, to its
  open original: it ends cancelled with reason "merged", and its resident follows the
  original's handling (the original's timeline records ``merged_in``). A flagged
  repeat may instead be kept (``keep_both``, no status change).
* **to_pool** / **withdraw_pool** — instead of dispatching, a dispatcher puts the order
  into the community's open pool (待党员接单), or takes it back to the queue;
  **claim** (党员接单) — a verified party member of the community takes it (one claimer:
  the row lock); they handle it as its handler (tier kept, the member as handler user) and
  resolve it, or **return_to_pool** it with a reason. See ``POOL_MOVES`` and docs/party.md.

``MOVES`` is the single table of what is allowed; ``orders.services`` is the single writer
that enforces it. Nothing else sets ``Order.status``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    AWAITING_DISPATCH = "awaiting_dispatch", _("待派单")
    AWAITING_SIGN = "awaiting_sign", _("待签收")
    IN_PROGRESS = "in_progress", _("办理中")
    EXTENSION_REQUESTED = "extension_requested", _("延期待审")
    AWAITING_RATING = "awaiting_rating", _("待评价")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")
    # The open pool (党员接单, issue 13): waiting for a verified party member to claim it.
    IN_POOL = "in_pool", _("待党员接单")


class Action(models.TextChoices):
    PLACE = "place", _("居民点单")
    DISPATCH = "dispatch", _("派单")
    SIGN = "sign", _("签收")
    RETURN = "return", _("退单")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    APPROVE_EXTENSION = "approve_extension", _("同意延期")
    REFUSE_EXTENSION = "refuse_extension", _("驳回延期")
    ESCALATE = "escalate", _("升级")
    RESOLVE = "resolve", _("办结反馈")
    RATE = "rate", _("群众评单")
    CLOSE_UNRATED = "close_unrated", _("超时未评价办结")
    CANCEL = "cancel", _("撤销")
    MERGE = "merge", _("合并到原工单")
    # Events that do not move the status.
    CHASE = "chase", _("催办")
    OVERDUE = "overdue", _("超期")
    SUPERVISE = "supervise", _("督办")
    DUE_CHANGED = "due_changed", _("时限变更")
    NOTE = "note", _("备注")
    ASK_RESIDENT = "ask_resident", _("请居民补充")
    RESIDENT_ADD = "resident_add", _("居民补充")
    RATING_REQUESTED = "rating_requested", _("邀请评价")
    CALLBACK = "callback", _("电话回访")
    KEEP_BOTH = "keep_both", _("保留两单")
    MERGED_IN = "merged_in", _("并入重复诉求")
    # The open pool (党员接单, issue 13).
    TO_POOL = "to_pool", _("放入接单池")
    WITHDRAW_POOL = "withdraw_pool", _("撤回接单池")
    CLAIM = "claim", _("认领接单")
    RETURN_TO_POOL = "return_to_pool", _("退回接单池")
    # Member units and departments (issue 12, docs/departments.md).
    UNIT_CLAIM = "unit_claim", _("成员单位认领")
    WHISTLE = "whistle", _("吹哨")
    WHISTLE_REPORT = "whistle_report", _("部门报到")
    WHISTLE_RESOLVE = "whistle_resolve", _("部门办结")
    WHISTLE_WITHDRAW = "whistle_withdraw", _("撤回吹哨")
    WHISTLE_OVERDUE = "whistle_overdue", _("吹哨超时")
    CO_ADD = "co_add", _("邀请协办")
    CO_SIGN = "co_sign", _("协办签收")
    CO_REPORT = "co_report", _("协办反馈")
    CO_WITHDRAW = "co_withdraw", _("撤回协办")


S = Status
A = Action

# action -> (statuses it may start from, statuses it may end in)
MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.DISPATCH: (frozenset({S.AWAITING_DISPATCH}), frozenset({S.AWAITING_SIGN})),
    A.SIGN: (frozenset({S.AWAITING_SIGN}), frozenset({S.IN_PROGRESS})),
    A.RETURN: (frozenset({S.AWAITING_SIGN, S.IN_PROGRESS}), frozenset({S.AWAITING_DISPATCH})),
    A.REQUEST_EXTENSION: (frozenset({S.IN_PROGRESS}), frozenset({S.EXTENSION_REQUESTED})),
    A.APPROVE_EXTENSION: (frozenset({S.EXTENSION_REQUESTED}), frozenset({S.IN_PROGRESS})),
    A.REFUSE_EXTENSION: (frozenset({S.EXTENSION_REQUESTED}), frozenset({S.IN_PROGRESS})),
    A.ESCALATE: (
        frozenset({S.AWAITING_SIGN, S.IN_PROGRESS, S.EXTENSION_REQUESTED}),
        frozenset({S.AWAITING_SIGN, S.AWAITING_DISPATCH}),
    ),
    A.RESOLVE: (frozenset({S.IN_PROGRESS, S.EXTENSION_REQUESTED}), frozenset({S.AWAITING_RATING})),
    A.RATE: (frozenset({S.AWAITING_RATING}), frozenset({S.CLOSED, S.AWAITING_DISPATCH})),
    A.CLOSE_UNRATED: (frozenset({S.AWAITING_RATING}), frozenset({S.CLOSED})),
    A.CANCEL: (
        frozenset({S.AWAITING_DISPATCH, S.AWAITING_SIGN, S.IN_PROGRESS, S.EXTENSION_REQUESTED}),
        frozenset({S.CANCELLED}),
    ),
    # A repeated request waiting for dispatch joins its original (cancel reason MERGED).
    A.MERGE: (frozenset({S.AWAITING_DISPATCH}), frozenset({S.CANCELLED})),
    # 认领: a member unit's liaison takes an open order of its communities itself (issue 12).
    A.UNIT_CLAIM: (frozenset({S.AWAITING_DISPATCH}), frozenset({S.IN_PROGRESS})),
}

# The open pool (党员接单, issue 13), kept in one block: a dispatcher puts an order waiting
# for dispatch into the community's pool (or takes it back); a verified party member of the
# community claims it and handles it like a handler (resolve, extension), or hands it back
# to the pool with a reason; staff may cancel it while it waits there.
POOL_MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.TO_POOL: (frozenset({S.AWAITING_DISPATCH}), frozenset({S.IN_POOL})),
    A.WITHDRAW_POOL: (frozenset({S.IN_POOL}), frozenset({S.AWAITING_DISPATCH})),
    A.CLAIM: (frozenset({S.IN_POOL}), frozenset({S.IN_PROGRESS})),
    A.RETURN_TO_POOL: (frozenset({S.IN_PROGRESS, S.EXTENSION_REQUESTED}), frozenset({S.IN_POOL})),
}
MOVES.update(POOL_MOVES)
MOVES[A.CANCEL] = (MOVES[A.CANCEL][0] | {S.IN_POOL}, MOVES[A.CANCEL][1])

# A resident may cancel only before anyone signed for (or claimed) the order.
RESIDENT_CANCELLABLE = frozenset({S.AWAITING_DISPATCH, S.AWAITING_SIGN, S.IN_POOL})

OPEN_STATUSES = frozenset(
    {S.AWAITING_DISPATCH, S.AWAITING_SIGN, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.IN_POOL}
)
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})

# Being handled: dispatched to a handler and not yet resolved (every such order has a tier
# and a handler — a database constraint; the sweep's resolution deadline covers these).
# A tuple in this order, as the model's constraint and partial index spell it.
BEING_HANDLED = (S.AWAITING_SIGN, S.IN_PROGRESS, S.EXTENSION_REQUESTED)


class Tier(models.IntegerChoices):
    PROPERTY = 1, _("物业")
    GRID = 2, _("网格长")
    MEMBER_UNIT = 3, _("大党委成员单位")
    STREET = 4, _("街道联席会议")


TOP_TIER = Tier.STREET


class QueueReason(models.TextChoices):
    """Why an order sits in the dispatch queue."""

    # A context of their own: "退单" names the queue here ("Returned") and the move in Action.
    NEW = "new", pgettext_lazy("dispatch queue", "新单")
    RETURNED = "returned", pgettext_lazy("dispatch queue", "退单")
    ESCALATED = "escalated", pgettext_lazy("dispatch queue", "升级")
    REDO = "redo", pgettext_lazy("dispatch queue", "重办")


# --- whistles and co-handling (issue 12, docs/departments.md) ---------------------------
#
# Two small lifecycles of their own rows, beside the order's; each move also writes one
# event on the order's timeline. Blowing the whistle and inviting a co-handler create
# the row (like ``place``), so they are not in the tables.
#
#   whistle:  blow ──► BLOWN ──report──► REPORTED ──resolve──► RESOLVED
#                        └──────withdraw────┴──────────────────► WITHDRAWN
#   co-handler: invite ──► INVITED ──sign──► SIGNED ──report──► REPORTED
#                            └──────withdraw───┴────────────────► WITHDRAWN


class WhistleStatus(models.TextChoices):
    BLOWN = "blown", _("待报到")
    REPORTED = "reported", _("已报到")
    RESOLVED = "resolved", _("部门已办结")
    WITHDRAWN = "withdrawn", _("已撤回")


WS = WhistleStatus
WHISTLE_MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.WHISTLE_REPORT: (frozenset({WS.BLOWN}), frozenset({WS.REPORTED})),
    A.WHISTLE_RESOLVE: (frozenset({WS.REPORTED}), frozenset({WS.RESOLVED})),
    A.WHISTLE_WITHDRAW: (frozenset({WS.BLOWN, WS.REPORTED}), frozenset({WS.WITHDRAWN})),
}
WHISTLE_OPEN = (WS.BLOWN, WS.REPORTED)
# A whistle is blown from an open order; a department reports and resolves its part
# whatever the order did meanwhile, unless it was cancelled or closed.


class CoStatus(models.TextChoices):
    INVITED = "invited", _("待签收")
    SIGNED = "signed", _("协办中")
    REPORTED = "reported", _("已反馈")
    WITHDRAWN = "withdrawn", _("已撤回")


CS = CoStatus
CO_MOVES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    A.CO_SIGN: (frozenset({CS.INVITED}), frozenset({CS.SIGNED})),
    A.CO_REPORT: (frozenset({CS.SIGNED}), frozenset({CS.REPORTED})),
    A.CO_WITHDRAW: (frozenset({CS.INVITED, CS.SIGNED}), frozenset({CS.WITHDRAWN})),
}
CO_OPEN = (CS.INVITED, CS.SIGNED)
# Co-handling happens while the lead handles the order: inviting and every co-handling move
# need the order being handled (``BEING_HANDLED``); the order resolves when the lead
# reports (``resolve``), whatever the co-handlers' parts.


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _targets) in MOVES.items() if status in sources]
