"""Confirmed reconciliations are append-only in the database: triggers refuse UPDATE and
DELETE of ``parties_reconciliation`` rows on PostgreSQL and SQLite (a correction is a new
row)."""

from django.db import migrations

from parties.ledger import RECONCILIATION_TABLE, create_triggers, drop_triggers


def forward(apps, schema_editor):
    create_triggers(schema_editor, RECONCILIATION_TABLE)


def backward(apps, schema_editor):
    drop_triggers(schema_editor, RECONCILIATION_TABLE)


class Migration(migrations.Migration):
    dependencies = [("parties", "0006_units_resources_projects")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
