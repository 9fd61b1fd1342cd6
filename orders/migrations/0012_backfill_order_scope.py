"""Fill Order.community and Order.street for the orders placed before they existed."""

from django.db import migrations

PATH_SEPARATOR = "/"


def backfill(apps, schema_editor):
    Area = apps.get_model("grids", "Area")
    Order = apps.get_model("orders", "Order")
    # One UPDATE per community (a few hundred in a city), each over that subtree's orders.
    for community_id, street_id, path in Area.objects.filter(level=2).values_list(
        "id", "parent_id", "path"
    ):
        Order.objects.filter(area__path__startswith=path).exclude(
            community_id=community_id, street_id=street_id
        ).update(community_id=community_id, street_id=street_id)
    # Orders on a street itself (none are placed there today) get the street only.
    for street_id, path in Area.objects.filter(level=1).values_list("id", "path"):
        Order.objects.filter(area__path=path, street_id__isnull=True).update(street_id=street_id)


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_order_scope_columns")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True)]
