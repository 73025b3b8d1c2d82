"""The latest published items of a campaign walked in order (campaign page, item list,
feed): `(campaign, status, validated_at DESC NULLS LAST, id DESC)` on PostgreSQL, the same
without `NULLS LAST` on SQLite (core.indexes). Adding an index does not rebuild the table
on SQLite: the map cells' triggers stay."""

from django.db import migrations, models

import tissage.core.indexes


class Migration(migrations.Migration):
    dependencies = [("inventories", "0014_map_cells_per_century")]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=tissage.core.indexes.NullsOrderIndex(
                models.F("campaign"),
                models.F("status"),
                models.OrderBy(models.F("validated_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="contribution_newest_idx",
            ),
        ),
    ]
