"""The item list filtered by a century walked in order like the others (issue #20):
`(campaign, century, status, validated_at DESC NULLS LAST, id DESC)`: the century before
the status, so that SQLite never takes it for the unfiltered list (it covers that query's
columns, and would then sort). Adding an index
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
                models.F("century"),
                models.F("status"),
                models.OrderBy(models.F("validated_at"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                name="contribution_century_new_idx",
            ),
        ),
    ]
