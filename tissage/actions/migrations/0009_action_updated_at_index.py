"""The latest change of any action in one row (the agenda's shared parts, the feeds'
versions)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("actions", "0008_action_announced_at")]

    operations = [
        migrations.AddIndex(
            model_name="action",
            index=models.Index(fields=["updated_at"], name="actions_act_updated_836dc0_idx"),
        ),
    ]
