"""The project list's order (latest change first, published and archived together) walked
on an index instead of sorting every project (issue #20)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_search_index")]

    operations = [
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["-updated_at", "-id"], name="project_recent_idx"),
        ),
    ]
