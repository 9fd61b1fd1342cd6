"""What staff and logs may never read: a resident's capability link and one-time codes.

- ``redact_links`` replaces every private tracking link (``/t/<token>/``) with
  ``/t/******/`` — the link is the resident's own key to their order;
- ``redact_codes`` replaces one-time codes (4–8 digits) with asterisks;
- ``reveal_secrets()`` is the one switch that lets the outbox page show codes and the
  console sender print codes and links: ``SIDAN_DEV_REVEAL_SECRETS``, for a developer's
  own machine (``make run`` sets it). Production refuses to start with it on, and it
  answers False whenever ``DJANGO_ENV=production`` whatever the setting says.
"""

from __future__ import annotations

import re

from django.conf import settings

CAPABILITY_LINK = re.compile(r"/t/[A-Za-z0-9_-]{16,64}(?=/|\b)")
ONE_TIME_CODE = re.compile(r"(?<!\d)\d{4,8}(?!\d)")
MASKED_LINK = "/t/******"


def reveal_secrets() -> bool:
    return bool(getattr(settings, "SIDAN_DEV_REVEAL_SECRETS", False)) and (
        getattr(settings, "DJANGO_ENV", "development") != "production"
    )


def redact_links(text: str) -> str:
    return CAPABILITY_LINK.sub(MASKED_LINK, text or "")


def redact_codes(text: str) -> str:
    return ONE_TIME_CODE.sub(lambda m: "*" * len(m.group()), text or "")


def redact_message(*, body: str, template: str) -> str:
    """A message body as staff or a log may see it."""
    if reveal_secrets():
        return body
    body = redact_links(body)
    return redact_codes(body) if template == "otp" else body
