"""A short-lived memo for the reference data the deadline sweep reads for every order.

The sweep escalates hundreds of orders in one batch, and each escalation asks the same
questions: the deadline policy of (category, urgency), the working-day calendar from a
date, who holds the posts above an area. Inside ``batch()`` the answer to each question
is read from the database once and reused; outside it (views, tasks, tests calling the
services) every call reads the database as before.

The memo lives for one sweep batch — one transaction — and never longer, so a post,
policy or holiday changed between sweeps is seen by the next batch. Only reference data
that the sweep itself never writes goes in, so rolling back one order's savepoint can
never leave a stale answer behind. Values must be immutable or copied by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[Hashable, object] | None] = ContextVar("sidan_batch_memo", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Remember lookups for the block (one sweep batch)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: Hashable, load: Callable[[], T]) -> T:
    """``load()``, or inside ``batch()`` the value it returned for ``key`` earlier in the batch."""
    memo = _memo.get()
    if memo is None:
        return load()
    if key not in memo:
        memo[key] = load()
    return memo[key]  # type: ignore[return-value]
