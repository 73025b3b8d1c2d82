"""The contribution form's own key (one item per form sent). Unique through a partial
index: a plain unique column would make SQLite rebuild the table, which drops the map
cells' triggers (0003)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inventories', '0006_private_files'),
        ('territories', '0002_insee_code_validated'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='contribution',
            name='submission_key',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.UniqueConstraint(condition=models.Q(('submission_key__isnull', False)), fields=('submission_key',), name='one_item_per_submission'),
        ),
    ]
