"""Reads of the staff outbox: messages in the user's scope, as staff may see them."""

from __future__ import annotations

import re

from django.conf import settings
from django.db.models import Q, QuerySet

from core.phones import mask_phone
from grids import access
from orders.models import OutboxMessage
from orders.selectors.supervision import CALLBACK_ROLES

OUTBOX_ROLES = CALLBACK_ROLES
OTP_TEMPLATE = "otp"
_CODE = re.compile(r"\d{4,8}")


def show_otp_codes() -> bool:
    return settings.DEBUG or settings.DJANGO_ENV != "production"


def outbox_for_user(
    *, user, status: str = "", channel: str = "", template: str = ""
) -> QuerySet[OutboxMessage]:
    """Messages about the user's scope; one-time codes (no area) for every outbox viewer."""
    scope = access.scope_q(user, path_field="area_path", roles=OUTBOX_ROLES)
    if access.has_role(user, *OUTBOX_ROLES):
        scope |= Q(template=OTP_TEMPLATE, area_path="")
    qs = OutboxMessage.objects.filter(scope)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if template:
        qs = qs.filter(template=template)
    return qs.order_by("-created_at", "-id")


def outbox_row(message: OutboxMessage) -> dict:
    """What staff see of a message: residents' phones masked; OTP codes only outside
    production."""
    body = message.body
    if message.template == OTP_TEMPLATE and not show_otp_codes():
        body = _CODE.sub(lambda m: "*" * len(m.group()), body)
    return {"message": message, "recipient": mask_phone(message.recipient), "body": body}
