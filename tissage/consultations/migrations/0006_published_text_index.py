"""A question's latest published free text read in order (issue #20): the results page
reads TEXTS_SHOWN answers of each text question through this index instead of ranking
every published text of the questionnaire."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_search_vector")]

    operations = [
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(
                fields=["question", "moderation", "id"], name="answer_question_moderation_idx"
            ),
        ),
    ]
