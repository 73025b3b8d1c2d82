"""The item list of a category or a commune, walked in the order it shows (issue #20):
an index of the category's, or the campaign's commune's, published items newest first,
rather than a sort of all of them. Adding an index rebuilds no table on SQLite: the map
cells' triggers stay."""

from django.db import migrations, models

import tissage.core.indexes


class Migration(migrations.Migration):
    dependencies = [("inventories", "0019_contribution_commune_index")]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=tissage.core.indexes.NullsOrderIndex(
                models.F("campaign"),
                models.F("commune"),
                models.F("status"),
                models.OrderBy(models.F("validated_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="contribution_commune_new_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="contribution",
            index=tissage.core.indexes.NullsOrderIndex(
                models.F("category"),
                models.F("status"),
                models.OrderBy(models.F("validated_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="contribution_category_new_idx",
            ),
        ),
    ]
