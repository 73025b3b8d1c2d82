import re
import unicodedata

from django.db import migrations, models

# geography.name_key as it is at this migration, copied so that the migration keeps
# giving the same keys if that function moves or changes.
_WORD_BREAKS = re.compile(r"[\s\-'’.]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def _name_key(name):
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_ABBREVIATIONS.get(word, word) for word in _WORD_BREAKS.split(text) if word)


def fill_search_names(apps, schema_editor):
    Commune = apps.get_model("territories", "Commune")
    communes = list(Commune.objects.only("pk", "name"))
    for commune in communes:
        commune.search_name = _name_key(commune.name)
    Commune.objects.bulk_update(communes, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_insee_code_validated"),
    ]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="search_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop, elidable=True),
    ]
