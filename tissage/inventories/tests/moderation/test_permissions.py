"""Who may moderate a campaign: every moderation URL for every role (docs/permissions.md).

Moderators are the project's facilitators, the staff of its organisation and superusers.
Others: anonymous → sign in; signed in → 403; a draft project's campaign → 404 for
those who may not see the project. Only moderators see contributors' email addresses.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tissage.core.tests.factories import ROLES, ProjectFactory, UserFactory, user_with_role
from tissage.core.tests.matrices import OK, STAFF, STAFF_DRAFT, assert_answer
from tissage.inventories.models import Contribution, ContributionEvent
from tissage.inventories.tests.helpers import heritage_campaign, submit
from tissage.projects.models import Project

pytestmark = pytest.mark.django_db

CONTRIBUTOR_EMAIL = "jeanne.habitante@example.org"


class World:
    """A campaign with two items of the same place, the second a duplicate of the first."""

    def __init__(self, status: str, *, commune=None, email: str = CONTRIBUTOR_EMAIL) -> None:
        self.campaign = heritage_campaign(
            commune=commune, project=ProjectFactory(status=status), title=f"Inventaire {status}"
        )
        contributor = UserFactory(email=email)
        self.item = submit(self.campaign, title="Lavoir", contributor=contributor)
        self.other = submit(self.campaign, title="Lavoir bis", contributor=UserFactory())
        self.base = f"/inventaires/{self.campaign.slug}/moderation/"
        self.item_base = f"{self.base}{self.item.pk}/"

    def request(self, client, page: str):
        item, other = self.item, self.other
        photo = item.photos.get()
        match page:
            case "queue":
                return client.get(self.base)
            case "queue_bulk":
                return client.post(self.base, {"items": [item.pk], "action": "validate"})
            case "moderate":
                return client.get(self.item_base)
            case "decide":
                return client.post(f"{self.item_base}decision/", {"status": "validated"})
            case "edit":
                return client.post(
                    f"{self.item_base}modifier/",
                    {
                        "item-title": "Lavoir du Cadereau",
                        "item-category": item.category_id,
                        "location-longitude": item.longitude,
                        "location-latitude": item.latitude,
                        f"photos-credit_{photo.pk}": photo.credit,
                    },
                )
            case "merge_preview":
                return client.get(
                    f"{self.item_base}fusionner/", {"other": other.pk, "direction": "into_this"}
                )
            case "merge":
                return client.post(
                    f"{self.item_base}fusionner/", {"other": other.pk, "direction": "into_this"}
                )
        raise AssertionError(page)

    def changed(self, page: str) -> bool:
        """Whether the POST of `page` did what it asks."""
        self.item.refresh_from_db()
        self.other.refresh_from_db()
        match page:
            case "queue_bulk" | "decide":
                return self.item.status == Contribution.Status.VALIDATED
            case "edit":
                return self.item.title == "Lavoir du Cadereau"
            case "merge":
                return self.other.merged_into_id == self.item.pk
        return ContributionEvent.objects.exclude(kind=ContributionEvent.Kind.SUBMITTED).exists()


GETS = ["queue", "moderate", "merge_preview"]
POSTS = ["queue_bulk", "decide", "edit", "merge"]


@pytest.mark.parametrize("project_status", [Project.Status.PUBLISHED, Project.Status.DRAFT])
@pytest.mark.parametrize("page", GETS + POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_moderation_pages_by_role(client, role, page, project_status):
    world = World(project_status)
    table = dict(STAFF if project_status == Project.Status.PUBLISHED else STAFF_DRAFT)
    user = user_with_role(role, world.campaign.project)
    if user is not None:
        client.force_login(user)

    response = world.request(client, page)

    assert_answer(response, table[role], ok_status=302 if page in POSTS else 200)
    if page in POSTS:
        assert world.changed(page) == (table[role] == OK)
    else:
        assert not world.changed(page)  # looking never changes anything


@pytest.mark.parametrize(("role", "expected"), STAFF)
@pytest.mark.parametrize("page", ["queue", "moderate"])
def test_contributor_emails_only_on_moderators_pages(client, role, expected, page):
    world = World(Project.Status.PUBLISHED)
    user = user_with_role(role, world.campaign.project)
    if user is not None:
        client.force_login(user)

    response = world.request(client, page)

    assert (CONTRIBUTOR_EMAIL in response.content.decode()) == (expected == OK)


def test_the_contributor_does_not_moderate_their_own_item(client):
    world = World(Project.Status.PUBLISHED)
    client.force_login(world.item.contributor)

    assert client.get(world.item_base).status_code == 403
    assert client.post(f"{world.item_base}decision/", {"status": "validated"}).status_code == 403
    world.item.refresh_from_db()
    assert world.item.status == Contribution.Status.SUBMITTED


@pytest.mark.parametrize("action", ["decision/", "modifier/", "fusionner/"])
def test_signing_in_leads_back_to_the_items_moderation_page(client, action):
    world = World(Project.Status.PUBLISHED)

    response = client.post(f"{world.item_base}{action}", {})

    assert response["Location"] == f"/compte/connexion/?next={quote(world.item_base)}"


def test_queue_sign_in_keeps_the_filters(client):
    world = World(Project.Status.PUBLISHED)

    response = client.get(world.base, {"status": "all"})

    assert response["Location"] == f"/compte/connexion/?next={quote(world.base + '?status=all')}"


def test_an_item_of_another_campaign_is_not_found_under_this_one(client):
    world = World(Project.Status.PUBLISHED)
    elsewhere = World(
        Project.Status.PUBLISHED, commune=world.campaign.communes.get(), email="b@example.org"
    )
    client.force_login(user_with_role("superuser", world.campaign.project))

    response = client.get(f"{world.base}{elsewhere.item.pk}/")

    assert response.status_code == 404
