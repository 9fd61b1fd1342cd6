"""The one-writer helpers every state machine's service is built on.

A subsystem with a lifecycle (orders today; micro-wishes, projects, visits next) keeps its
own move table (``{action: (sources, targets)}``), event model and ``apply`` functions, and
calls ``transition`` for every status change. ``transition`` locks the row (``lock_row``;
or takes one the caller locked, checked by ``held``), refuses a stale or illegal move, is a
no-op when the move is a repeat of the one that put the row where it is, applies the
change, saves, and hands the result to the subsystem's ``record`` (which writes exactly one
status event and schedules side effects with ``after_commit``). See docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.db import models, transaction

from core import clock

M = TypeVar("M", bound=models.Model)

# A move table: action -> (statuses it may start from, statuses it may end in).
MoveTable = Mapping[str, tuple[Iterable[str], Iterable[str]]]

_LOCKED_ATTR = "_sidan_locked_in"


@dataclass
class Change:
    """What an ``apply`` function decided: the new status, the event's note and data."""

    to_status: str
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def _current_transaction() -> object | None:
    connection = transaction.get_connection()
    return connection.atomic_blocks[0] if connection.in_atomic_block else None


def mark_locked(rows: Iterable[models.Model]) -> None:
    """Note that ``rows`` were just read with ``SELECT … FOR UPDATE`` in this transaction
    (``lock_row``, or a sweep's batch select), so ``held`` accepts them."""
    current = _current_transaction()
    for row in rows:
        setattr(row, _LOCKED_ATTR, current)


def held(row: M) -> M:
    """``row`` itself, when its row lock is held by the current transaction."""
    current = _current_transaction()
    if current is None or getattr(row, _LOCKED_ATTR, None) is not current:
        raise RuntimeError(f"{type(row).__name__} {row.pk} is not locked in this transaction")
    return row


def lock_row(
    queryset: models.QuerySet[M],
    pk: int,
    *,
    related: Iterable[str] = (),
    missing: Callable[[], Exception],
) -> M:
    """``SELECT … FOR UPDATE`` one row (only its own table) with ``related`` joined; raises
    ``missing()`` when there is no such row. Must run inside ``transaction.atomic``."""
    try:
        row = queryset.select_for_update(of=("self",)).select_related(*related).get(pk=pk)
    except queryset.model.DoesNotExist:
        raise missing() from None
    mark_locked([row])
    return row


def may_move(moves: MoveTable, action: str, status: str) -> bool:
    """Whether the move table allows ``action`` from ``status``."""
    return status in moves[action][0]


def is_repeat(
    last: Any | None,
    *,
    action: str,
    status: str,
    actor_id: int | None,
    actor_kind: str,
    same: Callable[[], bool] | None = None,
) -> bool:
    """Whether ``last`` (the row's latest status event: ``action``, ``to_status``,
    ``actor_id``, ``actor_kind``) is this very move by this very actor, and ``same()`` says
    the row already reflects the move's arguments: a double submit, answered with a no-op."""
    if last is None or last.action != action or last.to_status != status:
        return False
    if (last.actor_id, last.actor_kind) != (actor_id, actor_kind):
        return False
    return same is None or same()


def transition(
    *,
    row_id: int | None = None,
    locked: M | None = None,
    lock: Callable[[int], M],
    moves: MoveTable,
    action: str,
    apply: Callable[[M, datetime], Change],
    record: Callable[[M, str, Change, datetime], object],
    refuse: Callable[[M], Exception],
    stale: Callable[[M], bool] = lambda row: False,
    repeated: Callable[[M], bool] = lambda row: False,
    authorise: Callable[[M], None] = lambda row: None,
    status_field: str = "status",
) -> M:
    """Lock (or check the caller's lock), check, apply, save, record one event.

    ``locked`` instead of ``row_id``: a row the caller locked in this transaction; no
    savepoint is opened, so a refusal rolls back the caller's block. ``stale(row)``: the
    row moved on since the user looked; then, as for a move the table does not allow from
    the current status, the move is a no-op when ``repeated(row)`` (it is already done) and
    otherwise raises ``refuse(row)``. ``authorise`` raises when the actor may not act.
    ``record(row, from_status, change, at)`` writes the event(s) and side effects.
    """
    if (row_id is None) == (locked is None):
        raise TypeError("transition takes row_id or locked, not both")
    with transaction.atomic(savepoint=locked is None):
        row = lock(row_id) if locked is None else held(locked)
        current = getattr(row, status_field)
        sources, targets = moves[action]
        if stale(row) or current not in sources:
            if current in targets and repeated(row):
                return row
            raise refuse(row)
        authorise(row)
        now = clock.now()
        change = apply(row, now)
        if change.to_status not in targets:
            raise AssertionError((action, change.to_status))
        setattr(row, status_field, change.to_status)
        row.save()
        record(row, current, change, now)
    return row


def insert_rows(model: type[M], rows: list[M]) -> None:
    """Insert ``rows`` in one statement where the database returns their ids (in order)."""
    connection = transaction.get_connection()
    if len(rows) == 1 or not connection.features.can_return_rows_from_bulk_insert:
        for row in rows:
            row.save(force_insert=True)
        return
    model.objects.bulk_create(rows)


def after_commit(effect: Callable[[], None]) -> None:
    """Run ``effect`` once the current transaction commits (at once outside one); a failing
    effect is logged, never undoes the committed write."""
    transaction.on_commit(effect, robust=True)
