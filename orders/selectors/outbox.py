"""Reads of the staff outbox: messages in the user's scope, as staff may see them."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from core import redact
from core.phones import mask_phone
from grids import access
from orders.models import OutboxMessage
from orders.selectors.supervision import CALLBACK_ROLES

OUTBOX_ROLES = CALLBACK_ROLES
OTP_TEMPLATE = "otp"


def show_otp_codes() -> bool:
    """Codes are shown to staff only under the development-only switch (core.redact)."""
    return redact.reveal_secrets()


def outbox_for_user(
    *, user, status: str = "", channel: str = "", template: str = ""
) -> QuerySet[OutboxMessage]:
    """Messages about the user's scope, one-time codes included: a code sent from a QR page
    carries that place's area; a code with no area is in no staff member's scope."""
    scope = access.scope_q(user, path_field="area_path", roles=OUTBOX_ROLES)
    qs = OutboxMessage.objects.filter(scope)
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if template:
        qs = qs.filter(template=template)
    return qs.order_by("-created_at", "-id")


def outbox_templates() -> list[str]:
    """The message templates present, for the filter select — a loose index scan.

    A recursive query walks ``outboxmsg_template``: one index probe per distinct template
    (a dozen), not a DISTINCT over every message ever queued."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE t(template) AS ("
            f" SELECT MIN(template) FROM {table}"
            f" UNION ALL"
            f" SELECT (SELECT MIN(template) FROM {table} WHERE template > t.template)"
            f" FROM t WHERE t.template IS NOT NULL"
            f") SELECT template FROM t WHERE template IS NOT NULL"
        )
        return [row[0] for row in cursor.fetchall()]


def outbox_row(message: OutboxMessage) -> dict:
    """What staff see of a message: residents' phones masked, tracking links never, codes
    only under the development switch."""
    body = redact.redact_message(body=message.body, template=message.template)
    return {"message": message, "recipient": mask_phone(message.recipient), "body": body}
