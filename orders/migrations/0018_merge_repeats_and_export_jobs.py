# Merges issue 10's repeats/merge/manual supervision (0016) with issue 9's monthly rollup
# and export jobs (0016, 0017); the two touch different models, so nothing to reconcile.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0016_repeats_merge_manual_supervision"),
        ("orders", "0017_export_jobs_handler_facts"),
    ]

    operations = []
