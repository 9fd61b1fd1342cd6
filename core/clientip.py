"""The client's address, as the login lockout and the one-time code limits count it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with ``SIDAN_PROXY_COUNT`` proxies in front,
    the entry the outermost of them appended to X-Forwarded-For (a client can prepend
    anything it likes, so only that position is trusted)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    hops = settings.SIDAN_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
