"""List attachments become private files with random names (tissage/core/files.py): the
files already stored under the sender's file name, in the public media folder, move."""

import tissage.core.files
from django.db import migrations, models


def attachments_move(apps, schema_editor):
    attachment = apps.get_model("collectives", "Attachment")
    tissage.core.files.files_make_private(
        attachment.objects.all(), "file", "collectives/attachments"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('collectives', '0003_wiki_page_revision_count_derived'),
    ]

    operations = [
        migrations.AlterField(
            model_name='attachment',
            name='file',
            field=models.FileField(upload_to=tissage.core.files.RandomName('collectives/attachments', private=True)),
        ),
        migrations.RunPython(attachments_move, migrations.RunPython.noop, elidable=True),
    ]
