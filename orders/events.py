"""Order events: one named, keyword-only constructor per event kind (after Saleor's
``saleor/order/events.py``), so the keys of each kind's ``data`` are written in one place.

``event_row`` builds an unsaved ``OrderEvent`` row (the move service saves it with the
move); the ``*_data`` functions build each kind's ``data``; readers use the ``*_KEY``
names below rather than spelling the JSON keys again.
"""

from __future__ import annotations

from datetime import datetime

from core.actors import Actor
from orders.lifecycle import Action
from orders.models import Order, OrderEvent

# Keys read back from events' data elsewhere (timeline, notifications, selectors).
RATING_KEY = "rating"
SOLVED_KEY = "solved"  # True / False / None: 已解决 / 未解决 / not asked
RATED_ORDER_KEY = "rated_order"  # a callback whose answers were recorded as the order's rating
REDO_COUNT_KEY = "redo_count"
UNTIL_KEY = "until"
OVERDUE_KIND_KEY = "kind"  # "sign" or "resolve"
MERGED_INTO_KEY = "into"  # MERGE: the original's reference
MERGED_FROM_KEY = "merged"  # MERGED_IN: the merged order's reference
REPEAT_OF_KEY = "repeat_of"  # KEEP_BOTH: the probable original kept apart
MANUAL_KEY = "manual"  # CHASE / SUPERVISE raised by a person, not the sweep


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def event_row(
    order: Order,
    *,
    action: str,
    actor: Actor,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    at: datetime,
) -> OrderEvent:
    """An unsaved event row: who did ``action`` at ``at``, and the order's tier and
    handler at that moment."""
    return OrderEvent(
        order=order,
        action=action,
        actor=actor.user,
        actor_kind=actor.kind,
        at=at,
        from_status=from_status,
        to_status=to_status,
        tier=order.tier,
        handler_user_id=order.handler_user_id,
        handler_unit_id=order.handler_unit_id,
        note=note,
        data=data or {},
    )


def due_changed(order: Order, *, actor: Actor, at: datetime, **change) -> OrderEvent:
    """A DUE_CHANGED row for one ``due_change_data`` (recorded after the move's event)."""
    return event_row(order, action=Action.DUE_CHANGED, actor=actor, data=change, at=at)


# --- data per kind -----------------------------------------------------------------------


def place_data(*, channel: str, on_behalf: bool) -> dict:
    data: dict = {"channel": channel}
    if on_behalf:
        data["on_behalf"] = True
    return data


def return_data(*, returned_by_tier: int | None, sign_overdue: bool = False) -> dict:
    data: dict = {"returned_by_tier": returned_by_tier}
    if sign_overdue:
        data["sign_overdue"] = True
    return data


def extension_request_data(*, until: datetime) -> dict:
    return {UNTIL_KEY: until.isoformat()}


def extension_approval_data(*, old_due: datetime | None, new_due: datetime) -> dict:
    return {"old_due": _iso(old_due), "new_due": new_due.isoformat()}


def escalate_data(*, from_tier: int, to_tier: int) -> dict:
    return {"from_tier": from_tier, "to_tier": to_tier}


def rate_data(*, rating: str, solved: bool | None = None, redo_count: int | None = None) -> dict:
    data: dict = {RATING_KEY: rating, SOLVED_KEY: solved}
    if redo_count is not None:
        data[REDO_COUNT_KEY] = redo_count
    return data


def close_unrated_data() -> dict:
    return {"unrated": True}


def cancel_data(*, reason: str, duplicate_of: str | None = None) -> dict:
    data: dict = {"reason": reason}
    if duplicate_of is not None:
        data["duplicate_of"] = duplicate_of
    return data


def merge_data(*, into: str) -> dict:
    return {"reason": "merged", MERGED_INTO_KEY: into}


def merged_in_data(*, merged: str) -> dict:
    return {MERGED_FROM_KEY: merged}


def keep_both_data(*, repeat_of: str) -> dict:
    return {REPEAT_OF_KEY: repeat_of}


def due_change_data(*, field: str, old: datetime | None, new: datetime | None) -> dict:
    return {"field": field, "old": _iso(old), "new": _iso(new)}


def manual_chase_data() -> dict:
    """A chase or supervision raised by a person (the sweep's carry the due time)."""
    return {MANUAL_KEY: True}


def chase_data(*, resolve_due_at: datetime | None) -> dict:
    return {"resolve_due_at": _iso(resolve_due_at)}


def overdue_data(*, kind: str, due: datetime, tier: int | None) -> dict:
    return {OVERDUE_KIND_KEY: kind, "due": due.isoformat(), "tier": tier}


def rating_requested_data(*, reminder: bool) -> dict:
    return {"reminder": reminder}


def callback_data(
    *, reached: bool, resolved: bool | None, rating: str, rated_order: bool = False
) -> dict:
    return {
        "reached": reached,
        "resolved": resolved,
        RATING_KEY: rating,
        RATED_ORDER_KEY: rated_order,
    }


# --- issue 12: unit claims, whistles, co-handling -------------------------------------------

WHISTLE_KEY = "whistle"  # the whistle's id on its events
DEPARTMENT_KEY = "department"  # the department's name at the time
COHANDLER_KEY = "cohandler"
UNIT_KEY = "unit"


def unit_claim_data(*, unit_id: int, unit_name: str) -> dict:
    return {UNIT_KEY: unit_name, "unit_id": unit_id}


def whistle_data(*, whistle, due: datetime | None = None) -> dict:
    data: dict = {WHISTLE_KEY: whistle.pk, DEPARTMENT_KEY: whistle.department.name}
    if due is not None:
        data["due"] = due.isoformat()
    return data


def cohandler_data(*, cohandler) -> dict:
    return {COHANDLER_KEY: cohandler.pk, UNIT_KEY: cohandler.unit.name}
