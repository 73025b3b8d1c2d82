"""An import that publishes many items at once announces one milestone, the highest its
rows crossed, to the campaign's followers; an import waiting for moderation, none."""

from __future__ import annotations

import pytest

from tissage.engagement.kinds import Kind
from tissage.engagement.models import Event
from tissage.engagement.tests.producers import follower, notified, the_event
from tissage.inventories.models import Contribution, InventoryImport
from tissage.inventories.opendata.imports import run
from tissage.inventories.tests.opendata.imports.helpers import csv_bytes, review_url, upload

pytestmark = pytest.mark.django_db


def rows(count: int) -> bytes:
    lines = ["Nom;Catégorie;Longitude;Latitude;Référence"]
    lines += [f"Puits {n};puits;{4.352 + n * 0.0005:.4f};43.845;R{n}" for n in range(count)]
    return csv_bytes(lines)


def test_an_import_of_thirty_published_items_announces_twenty_five_only(
    client, campaign, manager, committed
):
    someone = follower(campaign)
    client = committed(client)
    upload(client, campaign, rows(30), "puits.csv")
    imp = InventoryImport.objects.get()

    client.post(review_url(imp), {"action": "import"})

    assert Contribution.objects.published().count() == 30
    assert list(
        Event.objects.filter(kind=Kind.CAMPAIGN_MILESTONE).values_list("params__count", flat=True)
    ) == [25]
    assert notified(Kind.CAMPAIGN_MILESTONE) == {someone}
    assert the_event(Kind.CAMPAIGN_MILESTONE).url == f"/inventaires/{campaign.slug}/"


def test_items_imported_for_moderation_announce_nothing(campaign, manager):
    imp = run.import_create(campaign=campaign, user=manager, content=rows(12), name="p.csv")
    options = run.ImportOptions(status=Contribution.Status.SUBMITTED, source_name="p")
    run.import_recheck(imp=imp, mapping=imp.mapping, options=options)

    assert run.import_run(imp=imp, user=manager) == 12

    assert Contribution.objects.filter(status=Contribution.Status.SUBMITTED).count() == 12
    assert not Event.objects.filter(kind=Kind.CAMPAIGN_MILESTONE).exists()
