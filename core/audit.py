"""The audit log's one writer, and the database rules that keep it append-only.

``record`` adds a line; nothing in the application updates or deletes one, and the
database refuses if anything tries (``TRIGGERS``, made by the migration):

- PostgreSQL: a row trigger raises on UPDATE and DELETE of ``core_auditentry``;
- SQLite: two triggers abort UPDATE and DELETE.

What is recorded (callers in ``accounts.signals``, the admin, the import and the
resident data pages): every login success and failure and every logout; every change the
admin makes (configuration, users, posts, policies, calendar — mirrored from the admin's
own change log); account actions (password change and reset, two-factor reset); area
imports; every export of personal data (the audit export itself, a resident's data
download and erasure).
"""

from __future__ import annotations

AUDIT_TABLE = "core_auditentry"

POSTGRES_TRIGGERS = [
    f"""
    CREATE OR REPLACE FUNCTION {AUDIT_TABLE}_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION USING
            MESSAGE = 'the audit log is append-only: ' || TG_OP || ' refused',
            ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER {AUDIT_TABLE}_append_only
    BEFORE UPDATE OR DELETE ON {AUDIT_TABLE}
    FOR EACH ROW EXECUTE FUNCTION {AUDIT_TABLE}_append_only()
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_append_only ON {AUDIT_TABLE}",
    f"DROP FUNCTION IF EXISTS {AUDIT_TABLE}_append_only()",
]
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER {AUDIT_TABLE}_no_{op.lower()} BEFORE {op} ON {AUDIT_TABLE}
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: {op} refused'); END
    """
    for op in ("UPDATE", "DELETE")
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {AUDIT_TABLE}_no_{op}" for op in ("update", "delete")]


def create_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(vendor, []):
        schema_editor.execute(sql)


def drop_triggers(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(vendor, []):
        schema_editor.execute(sql)


def record(
    *,
    action: str,
    actor=None,
    username: str = "",
    target=None,
    target_type: str = "",
    target_id: str = "",
    summary: str = "",
    ip: str | None = None,
):
    """Add one line to the audit log and return it."""
    from core.models import AuditEntry

    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor_id=actor.pk if is_user else None,
        actor=(actor.get_username() if is_user else username)[:150],
        action=action[:40],
        target_type=target_type[:100],
        target_id=str(target_id)[:64],
        summary=summary[:2000],
        ip=ip or None,
    )


def purge_for_maintenance(using: str = "default") -> int:
    """Empty the log with the triggers lifted — a database owner's step (the test suite's
    teardown on SQLite, whose flush deletes rows), reachable from no request."""
    from django.db import connections

    conn = connections[using]
    drop = {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(conn.vendor, [])
    create = {"postgresql": POSTGRES_TRIGGERS, "sqlite": SQLITE_TRIGGERS}.get(conn.vendor, [])
    with conn.cursor() as cursor:
        for sql in drop:
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {AUDIT_TABLE}")
        count = cursor.rowcount
        for sql in create:
            cursor.execute(sql)
    return count
