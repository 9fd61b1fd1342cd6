# MemberUnit now belongs to ``grids`` (grids 0003); drop it from this app's state only —
# the table ``parties_memberunit`` and its rows stay where they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("parties", "0001_initial"),
        ("grids", "0003_memberunit_from_parties"),
        ("orders", "0005_handler_unit_to_grids_memberunit"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="MemberUnit")],
        ),
    ]
