"""Campaign.updated_at, for the open API (`updated_since`, Last-Modified): rows made
before it start from their creation time."""

import django.utils.timezone
from django.db import migrations, models


def from_created_at(apps, schema_editor):
    apps.get_model("inventories", "Campaign").objects.update(updated_at=models.F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("inventories", "0012_campaign_milestone_reached")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunPython(from_created_at, migrations.RunPython.noop, elidable=True),
    ]
