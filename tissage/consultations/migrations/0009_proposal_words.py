"""The words of each proposal's title in a table of their own, with the index that reads,
for one word, the newest proposals that hold it (issue #20): similar titles read a
bounded number of rows a word, where a `LIKE` over `Proposal.title_key` scanned the
consultation's proposals. `title_key` goes; going back fills it again."""

import django.db.models.deletion
from django.db import migrations, models

import tissage.consultations.models.proposals as proposals_model

BATCH = 2000


def words_fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each proposal already there its title's words."""
    Proposal = apps.get_model("consultations", "Proposal")
    ProposalWord = apps.get_model("consultations", "ProposalWord")
    rows = []
    for pk, consultation_id, title in Proposal.objects.values_list(
        "pk", "consultation_id", "title"
    ).iterator(chunk_size=BATCH):
        rows.extend(
            ProposalWord(consultation_id=consultation_id, proposal_id=pk, word=word)
            for word in proposals_model.title_words(title)
        )
        if len(rows) >= BATCH:
            ProposalWord.objects.bulk_create(rows)
            rows = []
    ProposalWord.objects.bulk_create(rows)


def title_keys_fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Back: the words between spaces in `title_key`, as before."""
    Proposal = apps.get_model("consultations", "Proposal")
    batch = []
    for proposal in Proposal.objects.only("pk", "title").iterator(chunk_size=BATCH):
        words = proposals_model.title_words(proposal.title)
        proposal.title_key = (" " + " ".join(words) + " " if words else "")[:400]
        batch.append(proposal)
        if len(batch) >= BATCH:
            Proposal.objects.bulk_update(batch, ["title_key"])
            batch = []
    Proposal.objects.bulk_update(batch, ["title_key"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0008_proposal_shuffle_key")]

    operations = [
        migrations.CreateModel(
            name="ProposalWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40)),
                (
                    "consultation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="consultations.consultation",
                    ),
                ),
                (
                    "proposal",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="words",
                        to="consultations.proposal",
                    ),
                ),
            ],
            options={
                "verbose_name": "word of a title",
                "verbose_name_plural": "words of titles",
                "indexes": [
                    models.Index(
                        fields=["consultation", "word", "proposal"], name="proposal_word_newest"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("proposal", "word"), name="proposal_word_once")
                ],
            },
        ),
        migrations.RunPython(words_fill, title_keys_fill),
        migrations.RemoveField(model_name="proposal", name="title_key"),
    ]
