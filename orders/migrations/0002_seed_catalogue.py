from django.db import migrations


def seed(apps, schema_editor):
    from orders.catalogue import CATALOGUE

    Category = apps.get_model("orders", "Category")
    for order, (code, name, tier, sign_h, resolve_h) in enumerate(CATALOGUE):
        Category.objects.get_or_create(
            code=code,
            defaults={"name": name, "default_tier": tier, "sign_for_hours": sign_h, "resolve_hours": resolve_h,
                      "sort_order": order},
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
