# The handler unit foreign keys follow MemberUnit into ``grids`` (state only: the columns
# already reference the unchanged ``parties_memberunit`` table).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grids", "0003_memberunit_from_parties"),
        ("orders", "0004_seed_deadline_policy_and_calendar"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="order",
                    name="handler_unit",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="orders", to="grids.memberunit", verbose_name="承办单位"),
                ),
                migrations.AlterField(
                    model_name="orderevent",
                    name="handler_unit",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="grids.memberunit"),
                ),
            ],
        ),
    ]
