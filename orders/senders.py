"""Moved to ``core.senders``; kept so ``SIDAN_SENDER_*`` values naming ``orders.senders.…``
still load."""

from core.senders import (
    ConsoleSender,
    EmailSender,
    FakeSmsSender,
    Sender,
    SendError,
    SmsGatewaySender,
    sender_for,
)

__all__ = [
    "ConsoleSender",
    "EmailSender",
    "FakeSmsSender",
    "SendError",
    "Sender",
    "SmsGatewaySender",
    "sender_for",
]
