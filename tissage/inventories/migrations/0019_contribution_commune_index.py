"""The map's points with a commune and a category or a century, read from an index of
the commune's items (issue #20). Adding an index rebuilds no table on SQLite: the map
cells' triggers stay."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventories", "0018_contribution_changed_index")]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                fields=["campaign", "commune", "category", "status", "century"],
                name="contribution_commune_idx",
            ),
        ),
    ]
