"""Pledges are confirmed by the action's team (`Pledge.confirmed_at`).

Pledges made before count as confirmed, on the day they were made: nobody was asked to
confirm them, and they would otherwise flood the staff workspace of every upcoming action."""

from django.db import migrations, models
from django.db.models import F


def confirm_existing(apps, schema_editor):
    Pledge = apps.get_model("actions", "Pledge")
    Pledge.objects.filter(confirmed_at__isnull=True).update(confirmed_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("actions", "0006_search_index")]

    operations = [
        migrations.AddField(
            model_name="pledge",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="confirmed at"),
        ),
        migrations.RunPython(confirm_existing, migrations.RunPython.noop, elidable=True),
    ]
