"""Moved to ``core.clock``; kept so code written against ``orders.clock`` still imports."""

from core.clock import following, now, travel_to

__all__ = ["following", "now", "travel_to"]
