from django.db import migrations


class Migration(migrations.Migration):
    """Joins resident privacy and wall moderation (issue 11) with grid work (issue 14)."""

    dependencies = [
        ("orders", "0006_resident_privacy_and_wall_moderation"),
        ("orders", "0009_notices"),
    ]

    operations = []
