"""What is published is free text of a counted response (issue #20): the results read a
question's latest published texts straight from `answer_question_moderation_idx`,
without checking the text or joining the responses. An answer published without text,
or of a response not counted (neither can be published through the moderation page),
goes back to be read."""

from django.db import migrations, models


def unpublish_what_may_not_be(apps, schema_editor):  # type: ignore[no-untyped-def]
    Answer = apps.get_model("consultations", "Answer")
    published = Answer.objects.filter(moderation="published")
    published.filter(
        models.Q(text="") | models.Q(response__counted_at__isnull=True)
    ).update(moderation="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0010_proposal_cells"),
    ]

    operations = [
        migrations.RunPython(unpublish_what_may_not_be, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="answer",
            constraint=models.CheckConstraint(
                condition=~models.Q(moderation="published") | ~models.Q(text=""),
                name="published_answer_has_text",
            ),
        ),
    ]
