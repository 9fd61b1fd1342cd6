"""The one clock every writer and periodic sweep reads.

Production reads ``timezone.now()``. Tests move time with ``travel_to`` so a sweep "three
days later" runs against the same services as the real thing. The override is a plain
module global (not a context variable) on purpose: concurrency tests run sweeps in threads
and they must all see the same moved clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_override: datetime | Callable[[], datetime] | None = None


def now() -> datetime:
    override = _override
    if override is None:
        return timezone.now()
    return override() if callable(override) else override


def today():
    """The date now in the project's time zone (Asia/Shanghai) — never ``now().date()``,
    which is the UTC date until 08:00 there."""
    return timezone.localdate(now())


@contextmanager
def travel_to(moment: datetime) -> Iterator[datetime]:
    """Freeze ``now()`` at ``moment`` for the block (tests only)."""
    global _override
    previous, _override = _override, moment
    try:
        yield moment
    finally:
        _override = previous


@contextmanager
def following(source: Callable[[], datetime]) -> Iterator[None]:
    """Read ``now()`` from ``source`` for the block — the demo walks through past weeks."""
    global _override
    previous, _override = _override, source
    try:
        yield
    finally:
        _override = previous
