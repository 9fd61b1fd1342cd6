"""The database rules that keep append-only tables append-only: the points ledger
(``parties_pointentry``, migration ``parties/0004``) and the confirmed monthly
reconciliations (``parties_reconciliation``, migration ``parties/0007``).

- PostgreSQL: a row trigger raises on UPDATE and DELETE;
- SQLite: two triggers abort UPDATE and DELETE.

``purge_for_maintenance`` lifts them for a database owner's cleanup (the test suite's
teardown on SQLite, whose flush deletes rows).
"""

from __future__ import annotations

LEDGER_TABLE = "parties_pointentry"
RECONCILIATION_TABLE = "parties_reconciliation"
WHAT = {LEDGER_TABLE: "the points ledger", RECONCILIATION_TABLE: "a confirmed reconciliation"}


def postgres_triggers(table: str) -> list[str]:
    return [
        f"""
    CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = '{WHAT[table]} is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
        f"""
    CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {table}_append_only()
    """,
    ]


def postgres_drop(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP FUNCTION IF EXISTS {table}_append_only()",
    ]


def sqlite_triggers(table: str) -> list[str]:
    return [
        f"""
    CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
    BEGIN SELECT RAISE(ABORT, '{WHAT[table]} is append-only: {op} refused'); END
    """
        for op in ("UPDATE", "DELETE")
    ]


def sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]


# The ledger's statements, as migration 0004 and older callers name them.
POSTGRES_TRIGGERS = postgres_triggers(LEDGER_TABLE)
POSTGRES_DROP = postgres_drop(LEDGER_TABLE)
SQLITE_TRIGGERS = sqlite_triggers(LEDGER_TABLE)
SQLITE_DROP = sqlite_drop(LEDGER_TABLE)


def _statements(vendor: str, table: str, *, create: bool) -> list[str]:
    if vendor == "postgresql":
        return postgres_triggers(table) if create else postgres_drop(table)
    if vendor == "sqlite":
        return sqlite_triggers(table) if create else sqlite_drop(table)
    return []


def create_triggers(schema_editor, table: str = LEDGER_TABLE) -> None:
    for sql in _statements(schema_editor.connection.vendor, table, create=True):
        schema_editor.execute(sql)


def drop_triggers(schema_editor, table: str = LEDGER_TABLE) -> None:
    for sql in _statements(schema_editor.connection.vendor, table, create=False):
        schema_editor.execute(sql)


def purge_for_maintenance(using: str = "default", table: str = LEDGER_TABLE) -> int:
    """Empty an append-only table with the triggers lifted — a database owner's step,
    reachable from no request."""
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cursor:
        for sql in _statements(conn.vendor, table, create=False):
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {table}")
        count = cursor.rowcount
        for sql in _statements(conn.vendor, table, create=True):
            cursor.execute(sql)
    return count
