"""The points ledger is append-only in the database: triggers refuse UPDATE and DELETE
of ``parties_pointentry`` rows on PostgreSQL and SQLite (a correction is a new row)."""

from django.db import migrations

from parties.ledger import create_triggers, drop_triggers


def forward(apps, schema_editor):
    create_triggers(schema_editor)


def backward(apps, schema_editor):
    drop_triggers(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("parties", "0003_members_wishes_points")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
