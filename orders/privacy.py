"""Need-to-know: what of a resident's personal data (name, phone) a staff user may see on
an order they can open. One function decides it, ``resident_view``:

- superuser: name and phone;
- community dispatcher or street official, when the order is under one of those posts:
  name and phone;
- any staff holding the order now (its handler, or their member unit's): name and phone;
- any staff who held it before (it was dispatched to them, or they signed, returned,
  asked to extend or resolved it): name and phone;
- everyone else who can open it (grid workers, building heads, micro-grid leaders, party
  members, a liaison or property manager not holding it, …): the surname only (王**) and
  a masked phone (138****8000).

Scope itself (which orders a user can open at all) is ``grids.access`` — unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from core.phones import mask_phone
from grids.access import DISPATCH_ROLES, access_for
from orders.lifecycle import Action

# Actions whose actor was handling the order at that moment.
HANDLING_ACTIONS = frozenset({Action.SIGN, Action.RETURN, Action.REQUEST_EXTENSION, Action.RESOLVE})


@dataclass(frozen=True)
class ResidentView:
    name: str
    phone: str
    full: bool  # False: masked
    relation: str  # superuser | oversees | holds | held | in_scope


def mask_name(name: str) -> str:
    """Surname only: 王阿姨 → 王**."""
    name = (name or "").strip()
    return name[0] + "*" * max(len(name) - 1, 1) if name else ""


def relation_to(*, user, order, events: Iterable | None = None) -> str:
    access = access_for(user)
    if access.is_superuser:
        return "superuser"
    path = order.area.path if order.area_id else ""
    if any(path.startswith(p) for p in access.paths_for(*DISPATCH_ROLES)):
        return "oversees"
    units = access.member_unit_ids()
    if order.handler_user_id == user.pk or (
        order.handler_unit_id and order.handler_unit_id in units
    ):
        return "holds"
    events = order.events.all() if events is None else events
    for event in events:
        if event.handler_user_id == user.pk or (
            event.handler_unit_id and event.handler_unit_id in units
        ):
            return "held"
        if event.actor_id == user.pk and event.action in HANDLING_ACTIONS:
            return "held"
    return "in_scope"


def resident_view(*, user, order, events: Iterable | None = None) -> ResidentView:
    """The resident's name and phone as ``user`` may see them on ``order`` (the order is
    one they can open; ``events``: its events when already loaded, saving a query)."""
    relation = relation_to(user=user, order=order, events=events)
    if relation in ("superuser", "oversees", "holds", "held"):
        return ResidentView(order.resident_name, order.resident_phone, True, relation)
    return ResidentView(
        mask_name(order.resident_name), mask_phone(order.resident_phone), False, relation
    )
