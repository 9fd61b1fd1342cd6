# Merges the open pool (0016_order_open_pool, issue 13) with the monthly rollup and export
# jobs (0016_monthly_rollup, 0017_export_jobs_handler_facts, issue 9); no operations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0016_order_open_pool"),
        ("orders", "0017_export_jobs_handler_facts"),
    ]

    operations = []
