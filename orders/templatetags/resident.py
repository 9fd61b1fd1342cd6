"""Residents' words for an order's state: ``{{ order.status|resident_status }}``."""

from __future__ import annotations

from django import template

from orders import resident_words

register = template.Library()


@register.filter
def resident_status(status: str) -> str:
    return resident_words.resident_status(status)
