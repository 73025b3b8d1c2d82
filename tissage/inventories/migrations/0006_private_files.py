"""Import files, and the photos of items not published, become private files
(tissage/core/files.py): those already stored in the public media folder move."""

import tissage.core.files
from django.db import migrations, models


def files_move(apps, schema_editor):
    make_private = tissage.core.files.files_make_private
    imports = apps.get_model("inventories", "InventoryImport").objects.all()
    make_private(imports, "file", "inventories/imports")
    photos = apps.get_model("inventories", "Photo").objects.exclude(
        contribution__status="validated"
    )
    make_private(photos, "image", "inventories/photos")
    make_private(photos, "thumbnail", "inventories/thumbnails")


class Migration(migrations.Migration):

    dependencies = [
        ('inventories', '0005_contribution_century'),
    ]

    operations = [
        migrations.AlterField(
            model_name='inventoryimport',
            name='file',
            field=models.FileField(upload_to=tissage.core.files.RandomName('inventories/imports', private=True)),
        ),
        migrations.AlterField(
            model_name='photo',
            name='image',
            field=models.ImageField(upload_to=tissage.core.files.RandomName('inventories/photos', private=None)),
        ),
        migrations.AlterField(
            model_name='photo',
            name='thumbnail',
            field=models.ImageField(upload_to=tissage.core.files.RandomName('inventories/thumbnails', private=None)),
        ),
        migrations.RunPython(files_move, migrations.RunPython.noop, elidable=True),
    ]
