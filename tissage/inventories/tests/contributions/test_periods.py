"""Periods as people write them, read as a century; kept on each item for the filters."""

import pytest
from django.urls import reverse

from tissage.core.tests.factories import UserFactory
from tissage.inventories.contributions.periods import century_of
from tissage.inventories.models import Contribution
from tissage.inventories.tests.helpers import published, submit


@pytest.mark.parametrize(
    ("text", "century"),
    [
        ("XIXe siècle", 19),
        ("XIX e", 19),
        ("XVIIème", 17),
        ("Ier siècle", 1),
        ("19e", 19),
        ("19ème siècle", 19),
        ("vers 1850", 19),
        ("1800", 18),
        ("4e quart 18e siècle", 18),  # as Mérimée writes it
        ("2e moitié 16e siècle", 16),
        ("1er quart 20e siècle", 20),
        ("", None),
        ("je ne sais pas", None),
        ("la vie du village", None),
        ("Le lavoir", None),
        ("3000", None),
        (None, None),
        (["XIXe"], None),
    ],
)
def test_century_of(text, century):
    assert century_of(text) == century


def test_the_century_follows_the_answers(campaign):
    item = submit(campaign, values={"siecle": "vers 1850"})
    assert item.century == 19
    item.values = {"siecle": "XVIIe siècle"}
    item.save(update_fields=["values"])
    item.refresh_from_db()
    assert item.century == 17
    item.values = {}
    item.save()
    item.refresh_from_db()
    assert item.century is None


def test_filtering_by_period_reads_the_century(client, campaign):
    moderator = UserFactory(is_superuser=True)
    published(campaign, moderator, title="Lavoir A", values={"siecle": "XIXe siècle"})
    published(campaign, moderator, title="Lavoir B", values={"siecle": "vers 1650"})
    published(campaign, moderator, title="Lavoir C", values={"siecle": "inconnu"})
    url = reverse("inventories:items", kwargs={"slug": campaign.slug})
    for query in ["19e", "XIXe", "1850", "19ème siècle"]:
        page = client.get(url, {"period": query}).content.decode()
        assert "Lavoir A" in page and "Lavoir B" not in page, query
    # Words that name no century still search the answers.
    page = client.get(url, {"period": "inconnu"}).content.decode()
    assert "Lavoir C" in page and "Lavoir A" not in page
    assert set(
        Contribution.objects.filtered(campaign, period="17e").values_list("title", flat=True)
    ) == {"Lavoir B"}
