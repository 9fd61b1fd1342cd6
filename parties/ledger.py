"""The database rules that keep the points ledger append-only (``parties_pointentry``).

- PostgreSQL: a row trigger raises on UPDATE and DELETE;
- SQLite: two triggers abort UPDATE and DELETE.

Made by migration ``parties/0004``; ``purge_for_maintenance`` lifts them for a database
owner's cleanup (the test suite's teardown on SQLite, whose flush deletes rows).
"""

from __future__ import annotations

LEDGER_TABLE = "parties_pointentry"

POSTGRES_TRIGGERS = [
    f"""
    CREATE OR REPLACE FUNCTION {LEDGER_TABLE}_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'the points ledger is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {LEDGER_TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {LEDGER_TABLE}
    FOR EACH ROW EXECUTE FUNCTION {LEDGER_TABLE}_append_only()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {LEDGER_TABLE}_append_only ON {LEDGER_TABLE}",
    f"DROP FUNCTION IF EXISTS {LEDGER_TABLE}_append_only()",
]
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER {LEDGER_TABLE}_no_{op.lower()} BEFORE {op} ON {LEDGER_TABLE}
    BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only: {op} refused'); END
    """
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {LEDGER_TABLE}_no_{op}" for op in ("update", "delete")]


def create_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(vendor, []):
        schema_editor.execute(sql)


def drop_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql)


def purge_for_maintenance(using: str = "default") -> int:
    """Empty the ledger with the triggers lifted — a database owner's step, reachable from
    no request."""
    from django.db import connections

    conn = connections[using]
    drop = {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(conn.vendor, [])
    create = {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(conn.vendor, [])
    with conn.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {LEDGER_TABLE}")
        count = cursor.rowcount
        for sql in create:
            cursor.execute(sql)
    return count
