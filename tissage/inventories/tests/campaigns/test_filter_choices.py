"""`Campaign.filter_choices`: the public filters' categories, communes and period field
in one query, in the orders the separate reads gave."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from tissage.core.tests.factories import CommuneFactory
from tissage.inventories.models import Campaign, CampaignField
from tissage.inventories.tests.helpers import heritage_campaign

pytestmark = pytest.mark.django_db


def test_one_query_gives_what_the_separate_reads_give():
    campaign = heritage_campaign()
    campaign.communes.add(CommuneFactory(name="Aigues-Mortes"), CommuneFactory(name="Uzès"))
    fresh = Campaign.objects.get(pk=campaign.pk)

    with CaptureQueriesContext(connection) as queries:
        choices = fresh.filter_choices()
        period_key = fresh.period_field_key()

    assert len(queries) == 1
    assert choices.categories == list(campaign.categories.values_list("slug", "name"))
    assert [name for _code, name in choices.communes] == ["Aigues-Mortes", "Nîmes", "Uzès"]
    assert choices.period_key is not None
    assert (
        choices.period_key == period_key == Campaign.objects.get(pk=campaign.pk).period_field_key()
    )


def test_a_campaign_without_a_period_field_offers_no_period():
    campaign = heritage_campaign()
    dating = Q(kind=CampaignField.Kind.PERIOD) | Q(merimee_field="SCLE")
    assert CampaignField.objects.filter(dating, campaign=campaign).delete()[0] >= 1
    campaign.categories.all().delete()
    fresh = Campaign.objects.get(pk=campaign.pk)

    choices = fresh.filter_choices()

    assert choices.categories == []
    assert choices.period_key is None
    assert fresh.period_field_key() is None
