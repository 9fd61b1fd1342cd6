"""Moved to ``orders.services`` (``sweep_steps``, ``alerts``, ``supervision``); kept so code
written against ``orders.deadline_services`` still imports."""

from orders.services.alerts import raise_supervision
from orders.services.supervision import callback_record, supervision_add_note, supervision_resolve
from orders.services.sweep_steps import (
    chase_locked,
    rating_step_locked,
    resolve_overdue_locked,
    sign_overdue_locked,
)

__all__ = [
    "callback_record",
    "chase_locked",
    "raise_supervision",
    "rating_step_locked",
    "resolve_overdue_locked",
    "sign_overdue_locked",
    "supervision_add_note",
    "supervision_resolve",
]
