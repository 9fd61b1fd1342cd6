"""Writes to orders, by concern (the only code that changes an order's state):

* ``lifecycle``   — the moves of the four-order lifecycle (place … close, cancel, notes);
* ``sweep_steps`` — what the deadline sweep does to a due order (chase, overdue, rating);
* ``alerts``      — supervision raised by the writers that decide it;
* ``supervision`` — staff writes on supervision items and callbacks;
* ``handlers``    — who may take an order at a tier;
* ``bulk``        — several orders dispatched to one handler, all or nothing;
* ``common``      — the row lock, what the user saw, the version, one event row;
* ``joint``       — whistles to functional departments and co-handling units (issue 12).

The public names are re-exported here: ``from orders import services``.
"""

from core.actors import RESIDENT, SYSTEM, Actor
from orders.errors import OrderError
from orders.models import Channel
from orders.services.alerts import raise_supervision
from orders.services.bulk import BulkDispatchError, order_dispatch_many
from orders.services.common import (
    LOCK_RELATED,
    Change,
    Seen,
    clean_text,
    held_order,
    lock_order,
    mark_locked,
    order_version,
    record_event,
)
from orders.services.handlers import TIER_ROLE, default_handler, handler_candidates
from orders.services.joint import (
    cohandler_invite,
    cohandler_report,
    cohandler_sign,
    cohandler_units,
    cohandler_withdraw,
    whistle_blow,
    whistle_departments,
    whistle_report,
    whistle_resolve,
    whistle_withdraw,
)
from orders.services.lifecycle import (
    MAX_PHOTOS,
    order_add_note,
    order_approve_extension,
    order_ask_resident,
    order_cancel,
    order_close_unrated,
    order_close_unrated_locked,
    order_dispatch,
    order_escalate,
    order_escalate_locked,
    order_keep_both,
    order_merge,
    order_place,
    order_rate,
    order_refuse_extension,
    order_request_extension,
    order_resident_add,
    order_resolve,
    order_return,
    order_return_locked,
    order_sign,
    order_unit_claim,
    staff_cancel_refusal,
    to_queue,
)
from orders.services.pool import (
    order_claim,
    order_return_to_pool,
    order_to_pool,
    order_withdraw_from_pool,
)
from orders.services.privacy import anonymise_expired, order_wall_moderate, resident_erase
from orders.services.supervision import (
    callback_record,
    order_chase,
    order_supervise,
    supervision_add_note,
    supervision_resolve,
)
from orders.services.visits import VisitResult, visit_with_order

__all__ = [
    "anonymise_expired",
    "order_wall_moderate",
    "resident_erase",
    "VisitResult",
    "visit_with_order",
    "LOCK_RELATED",
    "MAX_PHOTOS",
    "RESIDENT",
    "SYSTEM",
    "TIER_ROLE",
    "Actor",
    "Change",
    "Channel",
    "OrderError",
    "Seen",
    "callback_record",
    "clean_text",
    "default_handler",
    "handler_candidates",
    "held_order",
    "lock_order",
    "mark_locked",
    "order_add_note",
    "order_chase",
    "order_supervise",
    "order_claim",
    "order_return_to_pool",
    "order_to_pool",
    "order_withdraw_from_pool",
    "order_ask_resident",
    "order_approve_extension",
    "order_cancel",
    "order_close_unrated",
    "order_close_unrated_locked",
    "order_dispatch",
    "order_dispatch_many",
    "BulkDispatchError",
    "order_escalate",
    "order_escalate_locked",
    "order_keep_both",
    "order_merge",
    "order_place",
    "order_rate",
    "order_resident_add",
    "order_refuse_extension",
    "order_request_extension",
    "order_resolve",
    "order_return",
    "order_return_locked",
    "order_sign",
    "order_unit_claim",
    "cohandler_invite",
    "cohandler_report",
    "cohandler_sign",
    "cohandler_units",
    "cohandler_withdraw",
    "whistle_blow",
    "whistle_departments",
    "whistle_report",
    "whistle_resolve",
    "whistle_withdraw",
    "order_version",
    "raise_supervision",
    "record_event",
    "staff_cancel_refusal",
    "supervision_add_note",
    "supervision_resolve",
    "to_queue",
]
