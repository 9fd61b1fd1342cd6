from django.db import migrations


def seed(apps, schema_editor):
    from orders.catalogue import ensure_catalogue

    ensure_catalogue(apps.get_model("orders", "Category"))


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
