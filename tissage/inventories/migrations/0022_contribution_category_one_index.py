"""The contributions' category loses its plain index: `contribution_category_new_idx`
(category, status, validated_at, id) begins with it and serves every lookup by category,
and with both, PostgreSQL's planner could take the plain one for a category's item list
and sort all its items (issue #20). The index alone is dropped: Django's own operation
would rebuild the table on SQLite and the foreign key on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "inventories_contribution_category_id_f2155e9b"


class Migration(migrations.Migration):
    dependencies = [("inventories", "0021_search_vector")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="contribution",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.RESTRICT,
                        related_name="items",
                        to="inventories.category",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "inventories_contribution" ("category_id")',
                ),
            ],
        ),
    ]
