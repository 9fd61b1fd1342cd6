"""Residents' words for an order's state: ``{{ order.status|resident_status }}``."""

from __future__ import annotations

from django import template

from orders import resident_words, verification

register = template.Library()


@register.filter
def resident_status(status: str) -> str:
    return resident_words.resident_status(status)


@register.simple_tag(takes_context=True)
def resend_wait(context) -> int:
    """Seconds before this visitor may ask for another code: the code button counts
    down from it (``data-countdown``)."""
    request = context.get("request")
    session = getattr(request, "session", None)
    return verification.resend_wait(session) if session is not None else 0
