"""`tissage generate`: the benchmark dataset, inventories included."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tissage.accounts.models import User
from tissage.inventories.map.cells import cells_check
from tissage.inventories.models import Campaign, Contribution, ContributionEvent, Photo
from tissage.projects.models import Project

# `generated` (conftest.py): one dataset for the module, each test in its own savepoint.
pytestmark = pytest.mark.django_db


def test_generate_makes_people_projects_and_inventories_and_says_how_many(generated):
    assert generated["people"] == User.objects.count() == 1000
    assert generated["projects"] == Project.objects.count() == 1000
    assert generated["inventory campaigns"] == Campaign.objects.count() == 2
    assert generated["inventory items"] == Contribution.objects.count() == 4000
    assert generated["item photos"] == Photo.objects.count() >= 4000
    assert generated["item events"] == ContributionEvent.objects.count()


def test_generated_campaigns_are_heritage_inventories_of_published_projects(generated):
    for campaign in Campaign.objects.all():
        assert campaign.project.status == Project.Status.PUBLISHED
        assert campaign.template == Campaign.Template.HERITAGE
        assert campaign.categories.count() > 10
        assert campaign.period_field_key() == "siecle"
        items = campaign.items.all()
        assert items.count() == 2000
        # Mostly published, a few waiting: the public pages have something to leave out.
        published = items.published().count()
        assert 1800 <= published < 2000
        assert items.published().filter(validated_at__isnull=True).count() == 0
        # Every item in a commune of the campaign, with a photo and its history.
        assert not items.exclude(commune__in=campaign.communes.all()).exists()
        assert not items.filter(photos__isnull=True).exists()
        assert items.annotate(n=Count("events")).filter(n=0).count() == 0
        # The century column was filled although bulk_create skips save().
        assert items.filter(century=19).count() > 300
        for item in items.exclude(values__has_key="siecle")[:5]:
            assert item.century is None
        # The map's cells, kept by triggers, agree with the items.
        assert cells_check(campaign) == []


def test_generate_refuses_a_second_dataset_without_force(generated):
    with pytest.raises(CommandError, match="--force"):
        call_command("generate", "--scale", "1", stdout=io.StringIO())
    assert Campaign.objects.count() == 2
