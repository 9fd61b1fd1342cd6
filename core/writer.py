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

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
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
        save_row(row)
        record(row, current, change, now)
    return row


def insert_rows(model: type[M], rows: list[M]) -> None:
    """Insert ``rows`` in one statement where the database returns their ids (in order).
    Inside ``bulk_writes`` the rows get their ids now and are inserted at the flush."""
    bulk = _bulk.get()
    if bulk is not None:
        for row in rows:
            row.pk = bulk.next_id(model)
        bulk.inserts.append((model, rows))
        return
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


# --- set-based writes: one batch of rows, many rows per statement -------------------------
#
# Inside ``bulk_writes()`` the writer helpers do not write at once: ``save_row`` notes the
# row, ``insert_rows`` gives the new rows their ids (drawn from the table's sequence in one
# statement for the whole batch) and keeps them, ``update_rows`` and ``insert_unique``
# keep their statement, and the block's end writes everything with a few statements per
# model — changed rows by ``bulk_update`` grouped by the columns that changed, new rows by
# ``bulk_create``. The caller decides exactly as it would row by row (the same services,
# the same checks), so the rows written are the same. ``checkpoint``/``rollback_to`` take
# the place of a savepoint: a row whose step raised leaves nothing behind. The block must
# run inside the transaction that locked the rows.


class Bulk:
    """The writes of one batch, kept until ``flush``."""

    def __init__(self, expected: int = 0) -> None:
        self.expected = expected  # rows in the batch: sizes the id draws
        self.tracked: dict[int, tuple[models.Model, dict[str, Any]]] = {}
        self.saves: list[tuple[models.Model, bool]] = []
        self.inserts: list[tuple[type[models.Model], list[models.Model]]] = []
        self.updates: list[tuple[type[models.Model], str, Any, tuple, tuple]] = []
        self.uniques: list[tuple[models.Model, str, Callable[[models.Model], None]]] = []
        self.lookups: dict[Hashable, Any] = {}
        self._ids: dict[type[models.Model], list[int]] = {}
        self._next_sqlite: dict[type[models.Model], int] = {}

    # what the batch locked -------------------------------------------------------------

    def track(self, rows: Iterable[models.Model]) -> None:
        """Remember ``rows`` as read, so ``flush`` writes only the columns that changed."""
        for row in rows:
            self.tracked[id(row)] = (row, _values(row))

    @property
    def row_ids(self) -> list:
        return [row.pk for row, _seen in self.tracked.values()]

    def lookup(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """``load()`` once per batch (a read about the whole batch, e.g. its open items);
        the caller keeps the answer up to date with what it adds."""
        if key not in self.lookups:
            self.lookups[key] = load()
        return self.lookups[key]

    # savepoints without the database ---------------------------------------------------

    def checkpoint(self) -> tuple[int, int, int, int]:
        return (len(self.saves), len(self.inserts), len(self.updates), len(self.uniques))

    def rollback_to(self, point: tuple[int, int, int, int]) -> None:
        saves, inserts, updates, uniques = point
        del self.saves[saves:], self.inserts[inserts:], self.updates[updates:]
        del self.uniques[uniques:]

    # ids ------------------------------------------------------------------------------

    def next_id(self, model: type[models.Model]) -> int:
        pool = self._ids.setdefault(model, [])
        if not pool:
            pool.extend(self._draw_ids(model, max(16, 4 * self.expected)))
        return pool.pop(0)

    def _draw_ids(self, model: type[models.Model], n: int) -> list[int]:
        connection = transaction.get_connection()
        table, column = model._meta.db_table, model._meta.pk.column
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, column, n],
                )
                return sorted(r[0] for r in cursor.fetchall())
            # SQLite has one writer at a time; the ids follow the highest ever used.
            if model not in self._next_sqlite:
                quoted = connection.ops.quote_name(table)
                cursor.execute(
                    f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0),"
                    f" coalesce((SELECT max({connection.ops.quote_name(column)}) FROM {quoted}),"
                    f" 0))",
                    [table],
                )
                self._next_sqlite[model] = cursor.fetchone()[0] + 1
        start = self._next_sqlite[model]
        self._next_sqlite[model] = start + n
        return list(range(start, start + n))

    # the flush ------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything kept, a few statements per model."""
        self._flush_saves()
        self._flush_updates()
        by_model: dict[type[models.Model], list[models.Model]] = {}
        for model, rows in self.inserts:
            by_model.setdefault(model, []).extend(rows)
        for model, rows in by_model.items():
            _insert_many(model, rows)
        self._flush_uniques()
        self.saves, self.inserts, self.updates, self.uniques = [], [], [], []

    def _flush_saves(self) -> None:
        seen_rows: dict[int, tuple[models.Model, set[str] | None]] = {}
        for row, fields in self.saves:
            _row, names = seen_rows.get(id(row), (row, set()))
            if names is None or fields is None:
                names = None
            else:
                names |= set(fields)
            seen_rows[id(row)] = (row, names)
        groups: dict[tuple[type[models.Model], tuple[str, ...]], list[models.Model]] = {}
        for key, (row, names) in seen_rows.items():
            concrete = [f for f in row._meta.concrete_fields if not f.primary_key]
            if key in self.tracked:
                seen = self.tracked[key][1]
                changed = [f.name for f in concrete if getattr(row, f.attname) != seen[f.attname]]
            else:
                changed = [f.name for f in concrete if names is None or f.name in names]
            if changed:
                groups.setdefault((type(row), tuple(changed)), []).append(row)
        for (model, names), rows in groups.items():
            _update_many(model, rows, names)
        for key, (row, _names) in seen_rows.items():
            if key in self.tracked:
                self.tracked[key] = (row, _values(row))

    def _flush_updates(self) -> None:
        groups: dict[tuple, list] = {}
        for model, key_field, key, where, values in self.updates:
            groups.setdefault((model, key_field, where, values), []).append(key)
        for (model, key_field, where, values), keys in groups.items():
            model.objects.filter(**{f"{key_field}__in": keys}, **dict(where)).update(**dict(values))

    def _flush_uniques(self) -> None:
        by_model: dict[tuple[type[models.Model], str], list] = {}
        for row, unique_field, then in self.uniques:
            by_model.setdefault((type(row), unique_field), []).append((row, then))
        for (model, unique_field), items in by_model.items():
            values = {getattr(row, unique_field) for row, _then in items} - {None}
            taken = set(
                model.objects.filter(**{f"{unique_field}__in": values}).values_list(
                    unique_field, flat=True
                )
            )
            fresh = []
            for row, then in items:
                value = getattr(row, unique_field)
                if value is not None and value in taken:
                    continue
                taken.add(value)
                fresh.append((row, then))
            _insert_many(model, [row for row, _then in fresh])
            for row, then in fresh:
                after_commit(lambda row=row, then=then: then(row))


# Column types psycopg sends as they are (``get_db_prep_save`` is the identity for them on
# PostgreSQL); any other column goes through its field's conversion.
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateTimeField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}
_MAX_PARAMS = 60_000  # PostgreSQL takes at most 65,535 parameters per statement


def _converter(field: models.Field, connection) -> Callable[[Any], Any]:
    if field.get_internal_type() in _PLAIN:
        return lambda value: value
    return lambda value: field.get_db_prep_save(value, connection)


def _chunks(rows: list, width: int) -> Iterator[list]:
    size = max(1, _MAX_PARAMS // max(width, 1))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert_many(model: type[models.Model], rows: list[models.Model]) -> None:
    """Insert ``rows``: on PostgreSQL one ``INSERT … SELECT * FROM unnest(…)`` (returning
    the ids of rows that have none, in the rows' order), elsewhere ``bulk_create``."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows)
        return
    qn = connection.ops.quote_name
    pk = model._meta.pk
    for with_pk in (True, False):
        group = [row for row in rows if (row.pk is not None) == with_pk]
        if not group:
            continue
        fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        stamped = [
            f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]
        convert = [(f.attname, _converter(f, connection)) for f in fields]
        columns = ", ".join(qn(f.column) for f in fields)
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        for chunk in _chunks(group, 1):
            for row in chunk:
                for f in stamped:
                    f.pre_save(row, add=True)
            # One array per column (``unnest``): a short statement whatever the batch, so
            # psycopg does not re-parse a statement with one parameter per value.
            params = [[conv(getattr(row, attname)) for row in chunk] for attname, conv in convert]
            sql = (
                f"INSERT INTO {qn(model._meta.db_table)} ({columns}) SELECT * FROM unnest({arrays})"
            )
            if not with_pk:
                sql += f" RETURNING {qn(pk.column)}"
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                if not with_pk:
                    for row, (new_id,) in zip(chunk, cursor.fetchall(), strict=True):
                        row.pk = new_id
        for row in group:
            row._state.adding, row._state.db = False, connection.alias


def _update_many(model: type[models.Model], rows: list[models.Model], names: tuple) -> None:
    """Write ``names`` of ``rows``: on PostgreSQL one ``UPDATE … FROM unnest(…)``, elsewhere
    ``bulk_update`` (its ``CASE WHEN`` per column costs Python time that grows with the batch)."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        model.objects.bulk_update(rows, list(names), batch_size=500)
        return
    qn = connection.ops.quote_name
    pk = model._meta.pk
    fields = [model._meta.get_field(name) for name in names]
    casts = [pk.db_type(connection)] + [f.db_type(connection) for f in fields]
    arrays = ", ".join(f"%s::{cast}[]" for cast in casts)
    columns = [pk.column] + [f.column for f in fields]
    convert = [(f.attname, _converter(f, connection)) for f in fields]
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in fields)
    for chunk in _chunks(rows, 1):
        params: list[Any] = [[row.pk for row in chunk]]
        params += [[conv(getattr(row, attname)) for row in chunk] for attname, conv in convert]
        sql = (
            f"UPDATE {qn(model._meta.db_table)} AS t SET {sets}"
            f" FROM unnest({arrays})"
            f" AS v({', '.join(qn(c) for c in columns)})"
            f" WHERE t.{qn(pk.column)} = v.{qn(pk.column)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _values(row: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


_bulk: ContextVar[Bulk | None] = ContextVar("sidan_bulk_writes", default=None)


def bulk_supported() -> bool:
    """Whether ``bulk_writes`` can draw ids on this database (PostgreSQL, SQLite)."""
    connection = transaction.get_connection()
    return connection.vendor in ("postgresql", "sqlite")


@contextmanager
def bulk_writes(expected: int = 0) -> Iterator[Bulk]:
    """Keep the writer helpers' writes in the block and write them in bulk at its end
    (not when it raises). Must run inside ``transaction.atomic``."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("bulk_writes must run inside a transaction")
    bulk = Bulk(expected)
    token = _bulk.set(bulk)
    try:
        yield bulk
    finally:
        _bulk.reset(token)
    bulk.flush()


def active_bulk() -> Bulk | None:
    """The ``bulk_writes`` block in force, if any."""
    return _bulk.get()


def save_row(row: models.Model, fields: Iterable[str] | None = None) -> None:
    """``row.save(update_fields=fields)`` (all fields when None); inside ``bulk_writes``
    kept for the flush (an ``auto_now`` column is stamped now, as ``save`` does)."""
    bulk = _bulk.get()
    if bulk is None:
        row.save(update_fields=None if fields is None else list(fields))
        return
    names = None if fields is None else list(fields)
    for f in row._meta.concrete_fields:
        if getattr(f, "auto_now", False) and (names is None or f.name in names):
            f.pre_save(row, add=False)
    bulk.saves.append((row, names))


def update_rows(
    model: type[models.Model],
    *,
    key: tuple[str, Any],
    where: Mapping[str, Any],
    values: Mapping[str, Any],
) -> None:
    """``UPDATE model SET values WHERE key AND where``; inside ``bulk_writes`` the same
    update of many keys is one statement (``key_field IN (…)``)."""
    bulk = _bulk.get()
    key_field, key_value = key
    if bulk is None:
        model.objects.filter(**{key_field: key_value}, **where).update(**values)
        return
    bulk.updates.append(
        (model, key_field, key_value, tuple(sorted(where.items())), tuple(sorted(values.items())))
    )


def insert_unique(row: M, *, unique: str, then: Callable[[M], None]) -> None:
    """Inside ``bulk_writes``: insert ``row`` at the flush unless a row with its ``unique``
    value exists (or an earlier one in the batch has it); ``then(row)`` after commit."""
    bulk = _bulk.get()
    if bulk is None:
        raise RuntimeError("insert_unique runs inside bulk_writes")
    bulk.uniques.append((row, unique, then))
