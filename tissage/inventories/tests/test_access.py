"""The role-by-view matrix for the public side of inventories (see inventories/access.py
and docs/permissions.md): campaign page, contribution form, item pages, answers.

The moderation, management and open-data pages have their own permission tests.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tissage.core.tests.factories import ROLES, ProjectFactory, UserFactory, user_with_role
from tissage.core.tests.matrices import (
    DRAFT_SEEN_BY_TEAM,
    EVERYONE,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    matrix,
)
from tissage.inventories.models import Contribution
from tissage.inventories.moderation.services import contribution_decide
from tissage.inventories.tests.helpers import heritage_campaign, nimes_commune, submit
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

STAFF = {"project_facilitator", "organisation_facilitator", "organisation_admin", "superuser"}


def answer(response) -> str:
    if response.status_code == 200:
        return OK
    if response.status_code == 302 and response["Location"].startswith("/compte/connexion/"):
        return LOGIN
    return {403: FORBIDDEN, 404: NOT_FOUND}.get(response.status_code, str(response.status_code))


def campaign_for(status=Project.Status.PUBLISHED, **changes):
    return heritage_campaign(nimes_commune(), ProjectFactory(status=status), **changes)


def as_role(client, role, campaign):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    return user


ALL_OK = EVERYONE
DRAFT = DRAFT_SEEN_BY_TEAM


@pytest.mark.parametrize(("role", "expected"), ALL_OK)
@pytest.mark.parametrize("name", ["campaign", "contribute", "items", "nearby"])
def test_published_campaign_pages_are_open_to_all(client, role, expected, name):
    campaign = campaign_for()
    as_role(client, role, campaign)
    url = reverse(f"inventories:{name}", kwargs={"slug": campaign.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), DRAFT)
@pytest.mark.parametrize("name", ["campaign", "items", "nearby"])
def test_draft_project_campaign_is_hidden_from_outsiders(client, role, expected, name):
    campaign = campaign_for(Project.Status.DRAFT)
    as_role(client, role, campaign)
    url = reverse(f"inventories:{name}", kwargs={"slug": campaign.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    matrix(**{**dict(DRAFT), **{r: FORBIDDEN for r in ROLES if dict(DRAFT)[r] == OK}}),
)
def test_nobody_contributes_to_a_draft_project_campaign(client, role, expected):
    campaign = campaign_for(Project.Status.DRAFT)
    as_role(client, role, campaign)
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), matrix(**{**dict(ALL_OK), "anonymous": LOGIN}))
def test_a_campaign_needing_an_account(client, role, expected):
    campaign = campaign_for(requires_account=True)
    as_role(client, role, campaign)
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), matrix(**dict.fromkeys(ROLES, FORBIDDEN)))
def test_a_finished_campaign_takes_no_contribution(client, role, expected):
    campaign = campaign_for(starts_on=datetime.date(2020, 1, 1), ends_on=datetime.date(2020, 6, 30))
    as_role(client, role, campaign)
    url = reverse("inventories:contribute", kwargs={"slug": campaign.slug})
    assert answer(client.get(url)) == expected


@pytest.mark.parametrize(("role", "expected"), ALL_OK)
def test_a_published_item_is_public(client, role, expected):
    campaign = campaign_for()
    item = submit(campaign, contributor=UserFactory())
    contribution_decide(
        item=item, moderator=UserFactory(is_superuser=True), status="validated", notify=False
    )
    as_role(client, role, campaign)
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    assert answer(client.get(url)) == expected


WAITING = matrix(
    **{role: OK if role in STAFF else NOT_FOUND for role in ROLES},
)


@pytest.mark.parametrize(("role", "expected"), WAITING)
@pytest.mark.parametrize("status", ["awaiting_email", "submitted", "rejected", "archived"])
def test_an_unpublished_item_is_seen_by_moderators_only(client, role, expected, status):
    campaign = campaign_for()
    item = submit(campaign)
    Contribution.objects.filter(pk=item.pk).update(status=status)
    as_role(client, role, campaign)
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    assert answer(client.get(url)) == expected


def test_the_contributor_sees_their_own_waiting_item(client):
    campaign = campaign_for()
    person = UserFactory()
    item = submit(campaign, contributor=person)
    client.force_login(person)
    url = reverse("inventories:item", kwargs={"slug": campaign.slug, "pk": item.pk})
    assert answer(client.get(url)) == OK


@pytest.mark.parametrize(
    ("role", "expected"),
    matrix(**{role: NOT_FOUND for role in ROLES if role != "anonymous"}, anonymous=LOGIN),
)
def test_only_the_contributor_answers_a_question(client, role, expected):
    campaign = campaign_for()
    item = submit(campaign, contributor=UserFactory())
    Contribution.objects.filter(pk=item.pk).update(status=Contribution.Status.NEEDS_INFO)
    as_role(client, role, campaign)
    url = reverse("inventories:item_answer", kwargs={"slug": campaign.slug, "pk": item.pk})
    assert answer(client.get(url)) == expected
    client.force_login(item.contributor)
    assert answer(client.get(url)) == OK


def test_contributor_emails_never_reach_public_pages(client):
    campaign = campaign_for()
    item = submit(campaign, guest_email="secret.person@example.org")
    Contribution.objects.filter(pk=item.pk).update(status=Contribution.Status.VALIDATED)
    for name, kwargs in [
        ("campaign", {"slug": campaign.slug}),
        ("items", {"slug": campaign.slug}),
        ("item", {"slug": campaign.slug, "pk": item.pk}),
    ]:
        page = client.get(reverse(f"inventories:{name}", kwargs=kwargs)).content.decode()
        assert "secret.person" not in page
