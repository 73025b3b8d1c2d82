"""An answer's area (its response's commune, or none) written with it, and an index to
read one commune's latest published texts in order (issue #20): the results for one
commune cost the same whatever the number of its responses."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce


def areas_write(apps, schema_editor):  # type: ignore[no-untyped-def]
    Answer = apps.get_model("consultations", "Answer")
    Response = apps.get_model("consultations", "Response")
    commune = Response.objects.filter(pk=OuterRef("response_id")).values("commune__insee_code")
    Answer.objects.update(area=Coalesce(Subquery(commune[:1]), Value("-")))


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_published_text_index")]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="area",
            field=models.CharField(default="-", max_length=10),
        ),
        migrations.RunPython(areas_write, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["question", "moderation", "area", "id"], name="answer_question_area_idx"
            ),
        ),
    ]
