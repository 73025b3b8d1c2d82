"""The counts of a campaign, read from its coarsest cells, found by level (issue #20).
Adding an index rebuilds no table on SQLite: the map cells' triggers stay."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventories", "0016_contribution_century_newest_index")]

    operations = [
        migrations.AddIndex(
            model_name="mapcell",
            index=models.Index(
                fields=["campaign", "level", "century", "category", "commune"],
                name="map_cell_level_idx",
            ),
        ),
    ]
