"""Creating a campaign and changing its settings through the services."""

from __future__ import annotations

import datetime

import pytest

from tissage.inventories.campaigns import heritage, services
from tissage.inventories.models import Campaign
from tissage.inventories.models.campaigns import Licence
from tissage.inventories.tests.helpers import lavoir, submit

pytestmark = pytest.mark.django_db


def test_items_keep_their_licence_when_the_campaign_changes_it(campaign):
    item = submit(campaign)
    services.campaign_settings_update(
        campaign=campaign,
        title=campaign.title,
        presentation="",
        method="",
        starts_on=campaign.starts_on,
        ends_on=None,
        licence=Licence.CC0,
        requires_account=False,
        communes=campaign.communes.all(),
    )
    item.refresh_from_db()
    assert item.licence == Licence.ETALAB
    assert Campaign.objects.get(pk=campaign.pk).licence == Licence.CC0


def test_the_settings_service_refuses_what_the_form_would(campaign):
    with pytest.raises(services.SetupRefused) as refusal:
        services.campaign_settings_update(
            campaign=campaign,
            title="  ",
            presentation="",
            method="",
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
            licence="mine",
            requires_account=False,
            communes=[],
        )
    assert set(refusal.value.errors) == {"title", "licence", "ends_on"}
    assert Campaign.objects.get(pk=campaign.pk).title == "Petit patrimoine des Garrigues"
    assert campaign.communes.count() == 1


def test_heritage_template_brings_mapped_categories_and_fields(campaign):
    assert campaign.categories.count() == len(heritage.CATEGORIES)
    assert lavoir(campaign).name == "Lavoir"
    codes = dict(campaign.fields.values_list("key", "merimee_field"))
    assert codes["siecle"] == "SCLE"
    assert codes["etat"] == "ETAT"
    assert codes["materiaux"] == "MURS"
    assert codes["propriete"] == "STAT"
    assert codes["lieu_dit"] == "LIEU"


def test_campaign_field_asks_its_question_with_a_form_field(campaign):
    etat = campaign.fields.get(key="etat")
    form_field = etat.form_field()
    assert "mauvais état" in [value for value, _label in form_field.choices]
    assert form_field.clean("mauvais état") == "mauvais état"
    materiaux = campaign.fields.get(key="materiaux").form_field()
    assert materiaux.clean(["calcaire", "brique"]) == ["calcaire", "brique"]


def test_campaign_dates():
    today = datetime.date(2026, 6, 1)
    campaign = Campaign(starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 5, 31))
    assert not campaign.is_open(today)
    assert Campaign(starts_on=datetime.date(2026, 1, 1)).is_open(today)
