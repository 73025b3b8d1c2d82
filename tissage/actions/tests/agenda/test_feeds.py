"""iCalendar feeds: they parse with `icalendar`, carry Europe/Paris with its VTIMEZONE
and a URL back to each action, flag cancellations, and hide draft projects."""

from __future__ import annotations

import datetime

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar

from tissage.actions.manage.services import action_create
from tissage.actions.models import Action
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db


def an_action(project=None, *, days: float = 7, title: str = "Plantation", **fields):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    fields.setdefault("status", "published")
    return action_create(
        project=project or ProjectFactory(),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        **fields,
    )


def calendar(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def events(response) -> dict[str, object]:
    return {str(event["summary"]): event for event in calendar(response).walk("VEVENT")}


def test_the_platform_feed_holds_recent_and_coming_actions(client):
    coming = an_action(title="Coming", address="Place de la mairie", meeting_point="Lavoir")
    an_action(title="Last week", days=-7)
    an_action(title="Called off", status="cancelled")
    an_action(title="Long ago", days=-40)
    an_action(title="Not yet public", status="draft")
    response = client.get(reverse("actions:feed"))
    parsed = calendar(response)
    found = {str(event["summary"]): event for event in parsed.walk("VEVENT")}
    assert set(found) == {"Coming", "Last week", "Called off"}
    event = found["Coming"]
    assert event["dtstart"].dt.tzinfo.key == "Europe/Paris"
    assert event["dtstart"].params["TZID"] == "Europe/Paris"
    assert event["dtstart"].dt == coming.starts_at.replace(microsecond=0)
    assert event["dtend"].dt == coming.ends_at.replace(microsecond=0)
    assert str(event["url"]) == "http://testserver" + reverse(
        "actions:detail", kwargs={"slug": coming.slug}
    )
    assert "Lavoir" in str(event["location"])
    assert str(event["status"]) == "CONFIRMED"
    assert str(found["Called off"]["status"]) == "CANCELLED"
    (zone,) = parsed.walk("VTIMEZONE")
    assert str(zone["tzid"]) == "Europe/Paris"
    assert str(parsed["x-wr-calname"])


def test_the_project_feed_holds_only_its_actions(client):
    project = ProjectFactory()
    an_action(project, title="Mine")
    an_action(title="Another project's")
    response = client.get(reverse("actions:feed_project", kwargs={"slug": project.slug}))
    assert set(events(response)) == {"Mine"}
    assert project.slug in response["Content-Disposition"]


def test_the_commune_feed_holds_only_its_actions(client):
    commune = CommuneFactory(insee_code="2A004")
    an_action(title="Here", commune=commune)
    an_action(title="Elsewhere", commune=CommuneFactory())
    an_action(title="Nowhere")
    response = client.get(reverse("actions:feed_commune", kwargs={"insee": "2A004"}))
    assert set(events(response)) == {"Here"}


def test_one_action_file(client):
    action = an_action(title="Seule")
    response = client.get(reverse("actions:ics", kwargs={"slug": action.slug}))
    (event,) = calendar(response).walk("VEVENT")
    assert str(event["summary"]) == "Seule"
    assert str(event["url"]).endswith(reverse("actions:detail", kwargs={"slug": action.slug}))


def test_the_action_page_links_its_file_and_carries_schema_org_event(client):
    commune = CommuneFactory(name="Crest")
    action = an_action(title="Haie", address="Route de Die", commune=commune)
    page = client.get(reverse("actions:detail", kwargs={"slug": action.slug})).content.decode()
    assert reverse("actions:ics", kwargs={"slug": action.slug}) in page
    assert 'itemtype="https://schema.org/Event"' in page
    assert 'itemprop="startDate" datetime="' in page
    assert 'itemprop="endDate" content="' in page
    assert 'itemtype="https://schema.org/Place"' in page
    assert 'href="https://schema.org/EventScheduled"' in page
    assert "<script" not in page.split("<main", 1)[1]


def test_unknown_feeds_are_not_found(client):
    assert client.get(reverse("actions:feed_commune", kwargs={"insee": "00000"})).status_code == 404
    # Only INSEE codes are commune feeds: a word or a malformed code is no address.
    for word in ("nimes", "0A123"):
        with pytest.raises(NoReverseMatch):
            reverse("actions:feed_commune", kwargs={"insee": word})
        url = reverse("actions:feed_commune", kwargs={"insee": "30189"}).replace("30189", word)
        assert client.get(url).status_code == 404
    missing = reverse("actions:feed_project", kwargs={"slug": "nothing"})
    assert client.get(missing).status_code == 404
    assert client.get(reverse("actions:ics", kwargs={"slug": "nothing"})).status_code == 404


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("anonymous", False),
        ("participant", False),
        ("project_member", True),
        ("project_facilitator", True),
        ("organisation_facilitator", True),
        ("superuser", True),
    ],
)
def test_draft_projects_feeds_are_for_their_team(client, role, sees):
    project = ProjectFactory(status="draft")
    commune = CommuneFactory()
    action = an_action(project, title="Secret", commune=commune)
    person = user_with_role(role, project)
    if person:
        client.force_login(person)
    project_feed = client.get(reverse("actions:feed_project", kwargs={"slug": project.slug}))
    action_file = client.get(reverse("actions:ics", kwargs={"slug": action.slug}))
    assert project_feed.status_code == action_file.status_code == (200 if sees else 404)
    commune_feed = client.get(reverse("actions:feed_commune", kwargs={"insee": commune.insee_code}))
    platform_feed = client.get(reverse("actions:feed"))
    assert ("Secret" in events(commune_feed)) is sees
    assert ("Secret" in events(platform_feed)) is sees


def test_a_draft_action_has_no_file_for_outsiders(client):
    action = an_action(status="draft")
    assert client.get(reverse("actions:ics", kwargs={"slug": action.slug})).status_code == 404


def test_feeds_answer_in_constant_queries(client, django_assert_max_num_queries):
    project = ProjectFactory()
    for number in range(30):
        an_action(project, days=number - 5, title=f"Action {number}")
    with django_assert_max_num_queries(3):
        response = client.get(reverse("actions:feed_project", kwargs={"slug": project.slug}))
    assert len(events(response)) == 30


def test_a_calendar_app_with_the_current_version_gets_304(client, django_assert_num_queries):
    project = ProjectFactory()
    action = an_action(project, title="Plantation")
    url = reverse("actions:feed_project", kwargs={"slug": project.slug})
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=900"
    etag, last_modified = first["ETag"], first["Last-Modified"]
    with django_assert_num_queries(2):  # the project and the version: no action read
        not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    # A cancellation is a new version: the calendar gets the file again.
    Action.objects.filter(pk=action.pk).update(
        status="cancelled", updated_at=action.updated_at + datetime.timedelta(seconds=5)
    )
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert str(events(again)["Plantation"]["status"]) == "CANCELLED"
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 200


def test_every_calendar_feed_is_conditional(client):
    commune = CommuneFactory(insee_code="26108")
    an_action(commune=commune)
    for url in (
        reverse("actions:feed"),
        reverse("actions:feed_commune", kwargs={"insee": commune.insee_code}),
    ):
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    # A new action is a new version of the platform's feed.
    an_action(title="Nouvelle")
    assert client.get(reverse("actions:feed"), headers={"if-none-match": etag}).status_code == 200


def test_a_team_member_s_feed_with_drafts_is_private_and_its_own_version(client):
    project = ProjectFactory()
    an_action(project, title="Publique")
    url = reverse("actions:feed_project", kwargs={"slug": project.slug})
    public = client.get(url)
    an_action(project, title="Brouillon", status="draft")
    client.force_login(user_with_role("project_facilitator", project))
    # A draft is not in the feed (it shows published and cancelled actions only)…
    mine = client.get(url)
    assert mine["Cache-Control"] == "private, max-age=900"
    assert set(events(mine)) == {"Publique"}
    # …and its answer is made for them (never the copy kept for everyone), 304 when current.
    assert public["Cache-Control"] == "public, max-age=900"
    assert client.get(url, headers={"if-none-match": mine["ETag"]}).status_code == 304


def test_the_agenda_lists_its_feeds_in_the_block_and_the_head(client, in_english):
    project = ProjectFactory(title="Vergers")
    an_action(project)
    html = client.get(reverse("actions:agenda"), {"project": project.slug}).content.decode()
    platform = reverse("actions:feed")
    mine = reverse("actions:feed_project", kwargs={"slug": project.slug})
    assert (
        '<link rel="alternate" type="text/calendar" '
        f'title="All the actions of the platform" href="{platform}">' in html
    )
    assert (
        '<link rel="alternate" type="text/calendar" '
        f'title="The actions of the project Vergers" href="{mine}">' in html
    )
    assert 'id="subscribe-title"' in html
    assert f'<a href="{mine}" type="text/calendar">The actions of the project Vergers</a>' in html
    assert html.count(f'href="{mine}"') == 2  # the head and the block, nowhere else


def test_a_feed_holds_a_window_the_nearest_to_come_and_the_latest_past(client, monkeypatch):
    monkeypatch.setattr("tissage.actions.agenda.queries.FEED_UPCOMING_EVENTS", 3)
    monkeypatch.setattr("tissage.actions.agenda.queries.FEED_PAST_EVENTS", 2)
    project = ProjectFactory()
    for day in (-40, -20, -10, -5, 1, 2, 3, 4, 5):
        an_action(project, days=day, title=f"Jour {day}")

    response = client.get(reverse("actions:feed_project", kwargs={"slug": project.slug}))

    # Over more than a month ago: gone; of the past month, the latest two; then the
    # nearest three to come.
    assert list(events(response)) == ["Jour -10", "Jour -5", "Jour 1", "Jour 2", "Jour 3"]


def test_a_second_reader_of_a_feed_gets_the_kept_copy_without_reading_actions(
    client, django_assert_num_queries
):
    project = ProjectFactory()
    for number in range(5):
        an_action(project, days=number + 1, title=f"Action {number}")
    url = reverse("actions:feed_project", kwargs={"slug": project.slug})
    first = client.get(url)

    with django_assert_num_queries(2):  # the project and the version, as for a 304
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    # A change is a new version: made again, with the change.
    Action.objects.filter(title="Action 0").update(
        title="Action changée", updated_at=timezone.now() + datetime.timedelta(seconds=5)
    )
    assert "Action changée" in events(client.get(url))
