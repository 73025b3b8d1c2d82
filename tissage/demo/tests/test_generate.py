"""`tissage generate`: the benchmark dataset, inventories included."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tissage.accounts.models import User
from tissage.actions.models import Action, Registration
from tissage.dashboard.models import ActionTally, Participation
from tissage.inventories.map.cells import cells_check
from tissage.inventories.models import Campaign, Contribution, ContributionEvent, Photo
from tissage.projects.models import Project

# `generated` (conftest.py): one dataset for the module, each test in its own savepoint.
pytestmark = pytest.mark.django_db


def test_generate_makes_people_projects_and_inventories_and_says_how_many(generated):
    assert generated["people"] == User.objects.count() == 1000
    assert generated["projects"] == Project.objects.count() == 1000
    assert generated["inventory campaigns"] == Campaign.objects.count() == 2
    assert generated["inventory items"] == Contribution.objects.count() == 10_000
    assert generated["item photos"] == Photo.objects.count() >= 10_000
    assert generated["item events"] == ContributionEvent.objects.count()


def test_generated_campaigns_are_heritage_inventories_of_published_projects(generated):
    for campaign in Campaign.objects.all():
        assert campaign.project.status == Project.Status.PUBLISHED
        assert campaign.template == Campaign.Template.HERITAGE
        assert campaign.categories.count() > 10
        assert campaign.period_field_key() == "siecle"
        items = campaign.items.all()
        size = items.count()
        assert size in (2000, 8000)  # the first campaign N x 2,000, the others the rest
        # Mostly published, a few waiting: the public pages have something to leave out.
        published = items.published().count()
        assert 0.9 * size <= published < size
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


def test_generate_makes_actions_with_registrations_and_the_dashboard_figures(generated):
    assert generated["registrations"] == Registration.objects.count() == 10_000
    assert generated["actions"] == Action.objects.count() == 700
    registrations = Registration.objects.all()
    assert registrations.filter(user__isnull=True).count() > 1000  # guests
    assert registrations.filter(entered_by__isnull=False).count() > 500  # assisted
    assert registrations.filter(attended=True).count() > 3000
    ways = set(Participation.objects.values_list("way", flat=True))
    assert {"account", "guest", "assisted"} <= ways
    assert ActionTally.objects.count() == 700


def test_generate_refuses_a_second_dataset_without_force(generated):
    with pytest.raises(CommandError, match="--force"):
        call_command("generate", "--scale", "1", stdout=io.StringIO())
    assert Campaign.objects.count() == 2
