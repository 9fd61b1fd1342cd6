"""Residents' phone numbers: what counts as a mobile (it can get an SMS), what as a
landline (it can only be called), and what a page may show of either."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"^(1\d{2})\d{4}(\d{4})$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# A mainland landline with its area code: 0573-84123456, 010 12345678, 057384123456.
LANDLINE_RE = re.compile(r"^0\d{2,3}[- ]?\d{7,8}$")
_LANDLINE_MASK = re.compile(r"^(0\d{2,3}[- ]?)\d+(\d{4})$")


def is_mobile(value: str) -> bool:
    """An 11-digit mainland mobile number: the only kind an SMS can reach."""
    return bool(MOBILE_RE.match(value or ""))


def is_landline(value: str) -> bool:
    return bool(LANDLINE_RE.match(value or ""))


def normalise_landline(value: str) -> str:
    """0573 84123456 / 057384123456 → 0573-84123456 (area codes of 3 or 4 digits)."""
    digits = re.sub(r"\D", "", value)
    if digits.startswith(("01", "02")):  # 010 Beijing, 02x: three-digit area codes
        return f"{digits[:3]}-{digits[3:]}"
    return f"{digits[:4]}-{digits[4:]}"


def mask_phone(value: str) -> str:
    """138****8000 for an 11-digit mainland mobile number, 0573-****3456 for a landline;
    anything else (a username, an email address) is returned as it is."""
    value = value or ""
    if _MOBILE.match(value):
        return _MOBILE.sub(r"\1****\2", value)
    if LANDLINE_RE.match(value):
        return _LANDLINE_MASK.sub(r"\1****\2", value)
    return value
