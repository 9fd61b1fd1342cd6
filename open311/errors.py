"""Refusals in the GeoReport v2 error format, each with a stable ``error`` code.

``code`` is the HTTP status (as the standard's examples use it), ``description`` a
human-readable sentence in the request's language, and ``error`` a stable machine name
clients may switch on (listed in ``CODES`` and in docs/open311.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CODES: dict[str, int] = {
    "missing_field": 400,
    "invalid_field": 400,
    "invalid_format": 400,
    "location_required": 400,
    "address_not_found": 400,
    "address_ambiguous": 400,
    "order_refused": 400,
    "api_key_required": 401,
    "api_key_invalid": 403,
    "phone_not_verified": 403,
    "outside_jurisdiction": 403,
    "service_not_found": 404,
    "request_not_found": 404,
    "jurisdiction_not_found": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "rate_limited": 429,
}


class Open311Error(Exception):
    def __init__(self, error: str, description, *, retry_after: int | None = None):
        super().__init__(error)
        self.error = error
        self.status = CODES[error]
        self.description = str(description)
        self.retry_after = retry_after


def missing(field: str) -> Open311Error:
    return Open311Error("missing_field", _("缺少必填参数：%(field)s") % {"field": field})


def invalid(field: str, why="") -> Open311Error:
    text = _("参数无效：%(field)s") % {"field": field}
    return Open311Error("invalid_field", f"{text} {why}".strip())
