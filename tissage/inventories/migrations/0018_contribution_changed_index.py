"""The items feed's version read at the top of an index (issue #20). Adding an index
rebuilds no table on SQLite: the map cells' triggers stay."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("inventories", "0017_map_cell_level_index")]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=models.Index(
                fields=["campaign", "status", "updated_at"], name="contribution_changed_idx"
            ),
        ),
    ]
