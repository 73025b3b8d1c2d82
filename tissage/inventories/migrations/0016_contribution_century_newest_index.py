"""The item list filtered by a century walked in order like the others (issue #20):
`(campaign, status, century, validated_at DESC NULLS LAST, id DESC)`. Adding an index
does not rebuild the table on SQLite: the map cells' triggers stay."""

from django.db import migrations, models

import tissage.core.indexes


class Migration(migrations.Migration):
    dependencies = [("inventories", "0015_contribution_newest_index")]

    operations = [
        migrations.AddIndex(
            model_name="contribution",
            index=tissage.core.indexes.NullsOrderIndex(
                models.F("campaign"),
                models.F("status"),
                models.F("century"),
                models.OrderBy(models.F("validated_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="contribution_century_newest_idx",
            ),
        ),
    ]
