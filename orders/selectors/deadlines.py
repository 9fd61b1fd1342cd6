"""Moved by concern to ``orders.selectors.supervision``, ``.outbox`` and ``.rates``; kept
so code written against ``orders.selectors.deadlines`` still imports."""

from core.phones import mask_phone
from orders.selectors.outbox import (
    OTP_TEMPLATE,
    OUTBOX_ROLES,
    outbox_for_user,
    outbox_row,
    show_otp_codes,
)
from orders.selectors.rates import Rates, community_rates, three_rates
from orders.selectors.supervision import (
    CALLBACK_ROLES,
    SUPERVISION_ROLES,
    callback_for_user,
    callbacks_for_user,
    supervision_items_for_user,
)

__all__ = [
    "CALLBACK_ROLES",
    "OTP_TEMPLATE",
    "OUTBOX_ROLES",
    "SUPERVISION_ROLES",
    "Rates",
    "callback_for_user",
    "callbacks_for_user",
    "community_rates",
    "mask_phone",
    "outbox_for_user",
    "outbox_row",
    "show_otp_codes",
    "supervision_items_for_user",
    "three_rates",
]
