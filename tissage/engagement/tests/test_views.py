"""The follow button on the pages of a project, a campaign, a collective and a commune;
the notification centre (list, open, mark as read); the page of what a person follows."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tissage.actions.tests.helpers import make_action
from tissage.collectives.tests.factories import CollectiveFactory, MembershipFactory
from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    UserFactory,
)
from tissage.engagement.models import Follow, Notification
from tissage.engagement.services import follow_set
from tissage.engagement.tests.notices import news_for
from tissage.inventories.tests.helpers import heritage_campaign

pytestmark = pytest.mark.django_db


def follow_url(kind: str, pk: int) -> str:
    return reverse("engagement:follow", args=[kind, pk])


def follows_of(user) -> list:
    return [follow.target for follow in Follow.objects.active().filter(user=user)]


# --- The follow button ------------------------------------------------------------------


def _project():
    project = ProjectFactory()
    return project, "project", project.get_absolute_url()


def _campaign():
    campaign = heritage_campaign()
    return campaign, "campaign", campaign.get_absolute_url()


def _collective():
    collective = CollectiveFactory()
    return collective, "collective", collective.get_absolute_url()


def _commune():
    # Communes have no page: their button is on the page of an action held there.
    action = make_action()
    action.commune = CommuneFactory(name="Crest")
    action.save(update_fields=["commune"])
    return action.commune, "commune", reverse("actions:detail", args=[action.slug])


FOLLOWABLES = [_project, _campaign, _collective, _commune]


@pytest.mark.parametrize("make", FOLLOWABLES)
def test_the_button_on_each_page_follows_then_stops(client, in_english, make):
    target, kind, page_url = make()
    person = UserFactory()
    client.force_login(person)
    page = client.get(page_url).content.decode()
    assert f'action="{follow_url(kind, target.pk)}"' in page
    assert "Follow" in page and "Stop following" not in page

    response = client.post(follow_url(kind, target.pk), {"follow": "1", "next": page_url})
    assert response.status_code == 302 and response["Location"] == page_url
    assert follows_of(person) == [target]
    page = client.get(page_url).content.decode()
    assert "You now follow" in page  # the flash message
    assert "Stop following" in page

    client.post(follow_url(kind, target.pk), {"follow": "0", "next": page_url})
    assert follows_of(person) == []
    assert "Stop following" not in client.get(page_url).content.decode()


def test_the_commune_button_names_the_commune(client, in_english):
    commune, _kind, page_url = _commune()
    client.force_login(UserFactory())
    assert f"Follow {commune}" in client.get(page_url).content.decode()


def test_a_second_click_on_a_stale_page_does_not_undo_the_first(client):
    project = ProjectFactory()
    person = UserFactory()
    client.force_login(person)
    for _click in range(2):
        client.post(follow_url("project", project.pk), {"follow": "1"})
    assert follows_of(person) == [project]


def test_without_a_wish_the_button_toggles(client):
    project = ProjectFactory()
    person = UserFactory()
    client.force_login(person)
    client.post(follow_url("project", project.pk))
    assert follows_of(person) == [project]
    client.post(follow_url("project", project.pk), {"follow": "nonsense"})
    assert follows_of(person) == []


def test_with_htmx_the_button_is_swapped_in_place(client, in_english):
    project = ProjectFactory()
    client.force_login(UserFactory())
    response = client.post(
        follow_url("project", project.pk),
        {"follow": "1", "next": project.get_absolute_url()},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Stop following" in fragment and "<html" not in fragment
    assert f'value="{project.get_absolute_url()}"' in fragment  # back to the page, not here


def test_an_anonymous_visitor_signs_in_and_comes_back_to_the_page(client):
    project = ProjectFactory()
    page = client.get(project.get_absolute_url()).content.decode()
    sign_in = reverse("accounts:sign_in") + "?next=" + quote(project.get_absolute_url())
    assert sign_in in page
    assert follow_url("project", project.pk) not in page
    response = client.post(follow_url("project", project.pk), {"next": project.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("accounts:sign_in") + "?next=" + quote(project.get_absolute_url())
    )
    assert not Follow.objects.exists()


def test_a_next_elsewhere_goes_home(client):
    project = ProjectFactory()
    client.force_login(UserFactory())
    response = client.post(
        follow_url("project", project.pk), {"follow": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("projects:home")


def test_get_is_not_allowed(client):
    project = ProjectFactory()
    client.force_login(UserFactory())
    assert client.get(follow_url("project", project.pk)).status_code == 405
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("kind", "pk"),
    [("thing", 1), ("project", 999_999), ("commune", 999_999), ("project", 10**20)],
)
def test_an_unknown_kind_or_thing_is_404(client, kind, pk):
    ProjectFactory()
    client.force_login(UserFactory())
    assert client.post(follow_url(kind, pk), {"follow": "1"}).status_code == 404


def test_a_draft_project_and_its_campaign_cannot_be_followed_by_outsiders(client):
    campaign = heritage_campaign(project=ProjectFactory(status="draft"))
    client.force_login(UserFactory())
    assert client.post(follow_url("project", campaign.project.pk)).status_code == 404
    assert client.post(follow_url("campaign", campaign.pk)).status_code == 404
    assert not Follow.objects.exists()


def test_a_members_only_collective_is_followed_by_members_only(client):
    collective = CollectiveFactory(archive_visibility="members")
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.post(follow_url("collective", collective.pk)).status_code == 404
    page = client.get(collective.get_absolute_url()).content.decode()
    assert follow_url("collective", collective.pk) not in page
    member = MembershipFactory(collective=collective).user
    client.force_login(member)
    assert client.post(follow_url("collective", collective.pk)).status_code == 302
    assert follows_of(member) == [collective]


# --- What I follow -----------------------------------------------------------------------


def test_the_follows_page_lists_what_i_follow_and_stops_one(client, in_english):
    person = UserFactory()
    project, campaign = ProjectFactory(title="Haies du Diois"), heritage_campaign()
    commune = CommuneFactory(name="Crest")
    for target in (project, campaign, commune):
        follow_set(user=person, target=target, following=True)
    follow_set(user=UserFactory(), target=ProjectFactory(title="Autre projet"), following=True)
    client.force_login(person)
    page = client.get(reverse("engagement:follows")).content.decode()
    assert "Haies du Diois" in page and campaign.title in page and "Crest" in page
    assert "Autre projet" not in page
    assert project.get_absolute_url() in page and campaign.get_absolute_url() in page

    follow = Follow.objects.get(user=person, target_id=project.pk, target_type__model="project")
    response = client.post(reverse("engagement:follow_stop", args=[follow.pk]), follow=True)
    assert "You no longer follow" in response.content.decode()
    assert set(follows_of(person)) == {campaign, commune}


def test_nobody_stops_another_persons_follow(client):
    follow = follow_set(user=UserFactory(), target=ProjectFactory(), following=True)
    client.force_login(UserFactory())
    assert client.post(reverse("engagement:follow_stop", args=[follow.pk])).status_code == 404
    follow.refresh_from_db()
    assert follow.active


def test_the_follows_page_reads_in_the_same_queries_whatever_the_number(client):
    person = UserFactory()
    client.force_login(person)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("engagement:follows")).status_code == 200
        return len(captured)

    follow_set(user=person, target=ProjectFactory(), following=True)
    follow_set(user=person, target=CommuneFactory(), following=True)
    few = queries_for_page()
    for _n in range(6):
        follow_set(user=person, target=ProjectFactory(), following=True)
        follow_set(user=person, target=CommuneFactory(), following=True)
        follow_set(user=person, target=CollectiveFactory(), following=True)
    assert queries_for_page() == few + 1  # one more kind of thing: collectives


# --- The notification centre --------------------------------------------------------------


def test_the_centre_lists_mine_newest_first_unread_marked_in_words(client, in_english):
    person = UserFactory()
    older = news_for(person, title="Plantation")[0]
    news_for(person, title="Taille")
    news_for(UserFactory(), title="Pas pour moi")
    Notification.objects.filter(pk=older.pk).mark_read()
    client.force_login(person)
    page = client.get(reverse("engagement:list")).content.decode()
    assert page.index("Taille") < page.index("Plantation")
    assert "Pas pour moi" not in page
    assert page.count('<span class="badge">Unread</span>') == 1
    assert reverse("engagement:open", args=[older.pk]) in page
    assert reverse("engagement:settings") in page and reverse("engagement:follows") in page


def test_the_centre_shows_twenty_a_page(client):
    person = UserFactory()
    for number in range(23):
        news_for(person, title=f"Nouvelle numéro {number:02d}")
    client.force_login(person)
    first = client.get(reverse("engagement:list")).content.decode()
    assert "Nouvelle numéro 22" in first and "Nouvelle numéro 02" not in first
    second = client.get(reverse("engagement:list") + "?page=2").content.decode()
    assert "Nouvelle numéro 02" in second and "Nouvelle numéro 03" not in second


def test_the_centre_reads_in_the_same_queries_whatever_the_number(client):
    person = UserFactory()
    client.force_login(person)

    def queries_for_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("engagement:list")).status_code == 200
        return len(captured)

    news_for(person)
    few = queries_for_page()
    for _n in range(15):
        news_for(person)
    assert queries_for_page() == few


def test_the_centre_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("engagement:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client):
    person = UserFactory()
    (notification,) = news_for(person, url="/projets/haies/")
    client.force_login(person)
    response = client.get(reverse("engagement:open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/projets/haies/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_leading_off_site_opens_the_centre(client):
    person = UserFactory()
    (notification,) = news_for(person, url="https://evil.example/")
    client.force_login(person)
    response = client.get(reverse("engagement:open", args=[notification.pk]))
    assert response["Location"] == reverse("engagement:list")


def test_nobody_opens_or_marks_another_persons_notification(client):
    (notification,) = news_for(UserFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("engagement:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("engagement:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_then_all_as_read(client):
    person, other = UserFactory(), UserFactory()
    first, second, third = (news_for(person, other)[0] for _n in range(3))
    client.force_login(person)
    assert client.get(reverse("engagement:read", args=[first.pk])).status_code == 405
    response = client.post(reverse("engagement:read", args=[first.pk]))
    assert response["Location"] == reverse("engagement:list")
    assert set(Notification.objects.filter(user=person).unread()) == {second, third}
    response = client.post(
        reverse("engagement:read_all"), {"next": reverse("engagement:list") + "?page=1"}
    )
    assert response["Location"] == reverse("engagement:list") + "?page=1"
    assert not Notification.objects.filter(user=person).unread().exists()
    assert Notification.objects.filter(user=other).unread().count() == 3


def test_marking_as_read_asks_anonymous_visitors_to_sign_in(client):
    (notification,) = news_for(UserFactory())
    for url in (reverse("engagement:read", args=[notification.pk]), reverse("engagement:read_all")):
        response = client.post(url)
        assert response["Location"] == (
            reverse("accounts:sign_in") + "?next=" + quote(reverse("engagement:list"))
        )
    notification.refresh_from_db()
    assert notification.read_at is None
