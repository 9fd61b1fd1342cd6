"""Moved to ``core.memo``; kept so code written against ``orders.memo`` still imports."""

from core.memo import batch, remembered

__all__ = ["batch", "remembered"]
