"""A proposal's place in the random order's shuffled circle, drawn once, and the index
that reads a page of that order from the visitor's start (issue #20): the random order
costs the same whatever the number of proposals, instead of sorting them all."""

from django.db import migrations, models

import tissage.consultations.models.proposals


def keys_draw(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each proposal already there its own key (the column's default gave them one)."""
    Proposal = apps.get_model("consultations", "Proposal")
    batch = []
    for proposal in Proposal.objects.only("pk").iterator(chunk_size=2000):
        proposal.shuffle_key = tissage.consultations.models.proposals.shuffle_key_new()
        batch.append(proposal)
        if len(batch) >= 2000:
            Proposal.objects.bulk_update(batch, ["shuffle_key"])
            batch = []
    Proposal.objects.bulk_update(batch, ["shuffle_key"])


class Migration(migrations.Migration):
    dependencies = [("consultations", "0007_answer_area")]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="shuffle_key",
            field=models.IntegerField(
                default=tissage.consultations.models.proposals.shuffle_key_new, editable=False
            ),
        ),
        migrations.RunPython(keys_draw, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="proposal",
            index=models.Index(
                fields=["consultation", "part", "status", "shuffle_key", "id"],
                name="proposal_by_shuffle",
            ),
        ),
    ]
