# MemberUnit moves from ``parties`` to ``grids`` in Django's state only: the table stays
# ``parties_memberunit`` with its rows, constraint and foreign keys (nothing runs in the DB).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grids", "0002_initial"),
        ("parties", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="MemberUnit",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, verbose_name="单位名称")),
                        ("remit", models.CharField(blank=True, max_length=200, verbose_name="服务领域")),
                        ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                        ("community", models.ForeignKey(limit_choices_to={"level": 2}, on_delete=django.db.models.deletion.PROTECT, related_name="member_units", to="grids.area", verbose_name="所属社区")),
                    ],
                    options={
                        "verbose_name": "成员单位",
                        "verbose_name_plural": "成员单位",
                        "db_table": "parties_memberunit",
                        "ordering": ["community__path", "name"],
                        "constraints": [models.UniqueConstraint(fields=("community", "name"), name="memberunit_unique_name")],
                    },
                ),
                migrations.AlterField(
                    model_name="post",
                    name="member_unit",
                    field=models.ForeignKey(blank=True, help_text="仅成员单位联络员需要填写。", null=True, on_delete=django.db.models.deletion.CASCADE, related_name="liaison_posts", to="grids.memberunit", verbose_name="成员单位"),
                ),
            ],
        ),
    ]
