"""An item's photos get an index in their order (contribution, position, id), so that the
first photo of each card is read without sorting the item's photos (`for_cards`, issue
#20). It begins with the contribution and serves every lookup by it, so the foreign key's
plain index goes: by SQL alone, since Django's own operation would rebuild the table on
SQLite."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "inventories_photo_contribution_id_330231a9"


class Migration(migrations.Migration):
    dependencies = [("inventories", "0022_contribution_category_one_index")]

    operations = [
        migrations.AddIndex(
            model_name="photo",
            index=models.Index(
                fields=["contribution", "position", "id"], name="photo_contribution_order_idx"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="photo",
                    name="contribution",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="photos",
                        to="inventories.contribution",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "inventories_photo" ("contribution_id")',
                ),
            ],
        ),
    ]
