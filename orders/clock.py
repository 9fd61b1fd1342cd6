"""The one clock the order services and the deadline sweep read.

Production reads ``timezone.now()``. Tests move time with ``travel_to`` so a sweep "three
days later" runs against the same services as the real thing. The override is a plain
module global (not a context variable) on purpose: concurrency tests run sweeps in threads
and they must all see the same moved clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_override: datetime | None = None


def now() -> datetime:
    return _override if _override is not None else timezone.now()


@contextmanager
def travel_to(moment: datetime) -> Iterator[datetime]:
    """Freeze ``now()`` at ``moment`` for the block (tests only)."""
    global _override
    previous, _override = _override, moment
    try:
        yield moment
    finally:
        _override = previous
