"""What a page may show of a phone number."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^(1\d{2})\d{4}(\d{4})$")


def mask_phone(value: str) -> str:
    """138****8000 for an 11-digit mainland mobile number; anything else (a username, an
    email address) is returned as it is."""
    return _MOBILE.sub(r"\1****\2", value or "")
