"""The public agenda: who sees what, the filters, places left, constant query counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.actions.agenda.forms import DATE_ERROR
from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action
from tissage.actions.registration.services import registration_create
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, user_with_role

pytestmark = pytest.mark.django_db

AGENDA = reverse("actions:agenda")


def an_action(project=None, *, days: float = 7, title: str = "Plantation", **fields):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    fields.setdefault("status", "published")
    return action_create(
        project=project or ProjectFactory(),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=fields.pop("roles", [RoleInput("Planter", 10), RoleInput("Café", 2)]),
        **fields,
    )


def titles(response) -> list[str]:
    return [action.title for action, _left in response.context["cards"]]


def test_upcoming_published_actions_in_order_of_start(client):
    later = an_action(days=9, title="Later")
    sooner = an_action(days=2, title="Sooner")
    an_action(days=3, title="Draft", status="draft")
    an_action(days=3, title="Cancelled", status="cancelled")
    an_action(days=-3, title="Past")
    response = client.get(AGENDA)
    assert response.status_code == 200
    assert titles(response) == [sooner.title, later.title]
    page = response.content.decode()
    assert reverse("actions:detail", kwargs={"slug": sooner.slug}) in page
    assert "Past" not in page and "Draft" not in page


@pytest.mark.parametrize(
    ("role", "sees_draft_project"),
    [
        ("anonymous", False),
        ("participant", False),
        ("project_member", True),
        ("project_facilitator", True),
        ("organisation_facilitator", True),
        ("superuser", True),
    ],
)
def test_actions_of_a_draft_project_only_for_its_team(client, role, sees_draft_project):
    project = ProjectFactory(status="draft")
    an_action(project, title="Hidden work-day")
    an_action(title="Public work-day")
    person = user_with_role(role, project)
    if person:
        client.force_login(person)
    response = client.get(AGENDA)
    assert ("Hidden work-day" in titles(response)) is sees_draft_project
    assert "Public work-day" in titles(response)
    # The filter does not name a project the person may not see either.
    assert ("Hidden work-day" in response.content.decode()) is sees_draft_project
    assert (project.title in response.content.decode()) is sees_draft_project


def test_filters_by_project_commune_kind_and_dates(client):
    crest, die = CommuneFactory(name="Crest"), CommuneFactory(name="Die")
    project = ProjectFactory(title="Haies vives")
    first = an_action(project, days=2, title="A", commune=crest, kind="workday")
    an_action(days=2, title="B", commune=die, kind="workday")
    an_action(project, days=4, title="C", commune=die, kind="meeting")
    assert titles(client.get(AGENDA, {"project": project.slug})) == ["A", "C"]
    assert titles(client.get(AGENDA, {"commune": die.insee_code})) == ["B", "C"]
    assert titles(client.get(AGENDA, {"kind": "meeting"})) == ["C"]
    day = timezone.localdate(first.starts_at)
    in_three_days = (day + datetime.timedelta(days=2)).isoformat()
    assert titles(client.get(AGENDA, {"start": in_three_days})) == ["C"]
    assert titles(client.get(AGENDA, {"end": day.isoformat()})) == ["A", "B"]
    assert titles(client.get(AGENDA, {"end": day.strftime("%d/%m/%Y")})) == ["A", "B"]
    page = client.get(AGENDA, {"project": project.slug, "commune": die.insee_code})
    assert titles(page) == ["C"]
    # The filtered project and commune offer their own feeds.
    content = page.content.decode()
    assert reverse("actions:feed_project", kwargs={"slug": project.slug}) in content
    assert reverse("actions:feed_commune", kwargs={"insee": die.insee_code}) in content


def test_only_projects_and_communes_with_actions_to_come_are_offered(client):
    commune = CommuneFactory(name="Saillans")
    idle = CommuneFactory(name="Aouste")
    an_action(ProjectFactory(title="Vergers"), commune=commune)
    an_action(ProjectFactory(title="Ancien"), days=-2, commune=idle)
    filters = client.get(AGENDA).context["filters"]
    assert [label for _v, label in filters.fields["project"].choices[1:]] == ["Vergers"]
    assert [label for _v, label in filters.fields["commune"].choices[1:]] == ["Saillans"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "31/02/2027"}, "start"),
        ({"start": "demain"}, "start"),
        ({"end": "2027-13-01"}, "end"),
        ({"start": "2027-06-10", "end": "2027-06-01"}, "end"),
        ({"project": "no-such-project"}, "project"),
        ({"commune": "99999"}, "commune"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_filters_are_explained_and_ignored(client, query, field):
    an_action(title="A")
    an_action(title="B", days=400)
    response = client.get(AGENDA, query)
    assert response.status_code == 200
    assert field in response.context["filters"].errors
    assert 'class="errors"' in response.content.decode()
    if field != "end" or "start" not in query:
        assert titles(response) == ["A", "B"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "0001-01-01"}, "start"),
        ({"end": "9999-12-31"}, "end"),
        ({"start": "31/12/1899"}, "start"),
        ({"end": "01/01/2101"}, "end"),
    ],
)
def test_dates_beyond_the_calendar_are_explained_and_ignored(client, query, field):
    an_action(title="A")
    response = client.get(AGENDA, query)
    assert response.status_code == 200
    filters = response.context["filters"]
    assert [error.code for error in filters.errors.as_data()[field]] == ["out_of_range"]
    assert filters.errors[field] == [str(DATE_ERROR)]
    assert 'class="errors"' in response.content.decode()
    assert titles(response) == ["A"]


def test_dates_at_the_edges_of_the_calendar_are_accepted(client):
    an_action(title="A")
    response = client.get(AGENDA, {"start": "1900-01-01", "end": "2100-12-31"})
    assert response.status_code == 200
    assert not response.context["filters"].errors
    assert titles(response) == ["A"]


def test_dates_in_wrong_order_keep_the_from_date(client):
    an_action(title="A", days=2)
    late = an_action(title="B", days=20)
    start = timezone.localdate(late.starts_at).isoformat()
    response = client.get(AGENDA, {"start": start, "end": "2020-01-01"})
    assert titles(response) == ["B"]
    assert "end" in response.context["filters"].errors


def test_places_left_in_total_count_companions_roles_and_capacity(client):
    roomy = an_action(title="Roomy")  # 10 + 2 places
    tight = an_action(title="Tight", capacity=5)
    for action in (roomy, tight):
        registration_create(
            action=action,
            role=action.roles.get(name="Planter"),
            name="Jeanne",
            email="jeanne@example.org",
            companions=2,
        )
    # Paul and his companion do not fit the one planting place: he waits, and waiting
    # people take no place; Léa takes it; the café role keeps its 2 places.
    full_role = an_action(title="Full role", roles=[RoleInput("Planter", 1), RoleInput("Café", 2)])
    registration_create(
        action=full_role,
        role=full_role.roles.get(name="Planter"),
        name="Paul",
        email="paul@example.org",
        companions=1,
    )
    registration_create(
        action=full_role,
        role=full_role.roles.get(name="Planter"),
        name="Léa",
        email="lea@example.org",
    )
    response = client.get(AGENDA)
    left = {action.title: places for action, places in response.context["cards"]}
    assert left == {"Roomy": 9, "Tight": 2, "Full role": 2}
    assert "9 places restantes" in response.content.decode()


def test_pagination_keeps_the_filters(client):
    project = ProjectFactory()
    for number in range(26):
        an_action(project, days=1 + number, title=f"Action {number:02d}")
    an_action(days=3, title="Elsewhere")
    first = client.get(AGENDA, {"project": project.slug})
    assert len(first.context["cards"]) == 24
    assert f"project={project.slug}&amp;page=2" in first.content.decode()
    second = client.get(AGENDA, {"project": project.slug, "page": 2})
    assert titles(second) == ["Action 24", "Action 25"]
    assert client.get(AGENDA, {"page": "abc"}).status_code == 200


def _fill(count: int) -> None:
    communes = [CommuneFactory() for _ in range(3)]
    projects = [ProjectFactory() for _ in range(3)]
    for number in range(count):
        action = an_action(
            projects[number % 3], days=1 + number, commune=communes[number % 3], capacity=30
        )
        registration_create(
            action=action,
            role=action.roles.first(),
            name="Jeanne",
            email=f"jeanne{number}@example.org",
        )


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_with_the_actions(client, django_assert_max_num_queries, count):
    _fill(count)
    with django_assert_max_num_queries(8):
        response = client.get(AGENDA)
    assert len(response.context["cards"]) == min(count, 24)


@pytest.mark.parametrize("count", [3, 30])
def test_queries_do_not_grow_for_a_signed_in_person(client, django_assert_max_num_queries, count):
    _fill(count)
    client.force_login(user_with_role("participant", ProjectFactory()))
    with django_assert_max_num_queries(10):
        response = client.get(AGENDA, {"kind": "workday"})
    assert len(response.context["cards"]) == min(count, 24)
    assert Action.objects.count() == count


def test_the_map_takes_its_points_from_the_cards(client):
    an_action(title="Placed", longitude=5.02, latitude=44.73)
    an_action(title="Unplaced")
    page = client.get(AGENDA).content.decode()
    assert 'id="agenda-map"' in page and "hidden" in page.split('id="agenda-map"')[1][:400]
    assert page.count("data-agenda-card") == 2
    assert 'data-lat="44.730000" data-lon="5.020000"' in page
    assert "actions/agenda-map.js" in page


def test_an_anonymous_visit_reads_the_shared_parts_once_a_minute(client, django_assert_num_queries):
    _fill(30)
    client.get(AGENDA)
    # The latest change of any action, the page's actions, their places (two): the
    # filters' choices and the count are kept, and so are the cards.
    with django_assert_num_queries(4):
        response = client.get(AGENDA)
    assert len(response.context["cards"]) == 24
    assert response.context["page"].paginator.count == 30


def test_a_count_is_kept_per_filters_whatever_else_the_link_holds(
    client, django_assert_num_queries
):
    _fill(30)
    kind = Action.objects.first().kind
    client.get(AGENDA, {"kind": kind, "commune": "", "utm_source": "lettre"})
    # The same filters in another order, with other parameters: the count kept is used.
    with django_assert_num_queries(4):
        response = client.get(AGENDA + f"?fbclid=x&kind={kind}&page=1&foo=%00")
    assert response.context["page"].paginator.count == 30
    # Other filters have their own count.
    later = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    other = client.get(AGENDA, {"kind": kind, "start": later, "utm_source": "lettre"})
    assert 0 < other.context["page"].paginator.count < 30


def test_a_change_shows_at_once_on_the_agenda_despite_what_is_kept(client):
    project = ProjectFactory(title="Vergers")
    action = an_action(project, title="Taille")
    client.get(AGENDA)
    # An edit (a new version of the action), a registration (places left), a new
    # action in a new project (the filters' choices and the count).
    Action.objects.filter(pk=action.pk).update(
        title="Taille des pommiers", updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    registration_create(
        action=action, role=action.roles.get(name="Café"), name="Léa", email="lea@example.org"
    )
    an_action(ProjectFactory(title="Haies"), title="Plantation de haies", days=8)

    response = client.get(AGENDA)

    page = response.content.decode()
    assert "Taille des pommiers" in page and ">Taille<" not in page
    assert "11 places restantes" in page
    assert "Plantation de haies" in page
    assert [title for _slug, title in response.context["filters"].fields["project"].choices] == [
        "Tous les projets",
        "Haies",
        "Vergers",
    ]
    assert ">Haies</option>" in page  # the filter fields are kept per state too
    assert "2 actions à venir" in page


def test_the_agenda_loads_no_leaflet_until_its_map_is_opened(client):
    an_action(title="Placed", longitude=5.02, latitude=44.73)
    page = client.get(AGENDA).content.decode()
    # No tag fetches Leaflet with the page: core/leaflet-lazy.js holds its address and
    # fetches it when "Show on a map" is pressed (a browser test, tests/browser).
    assert not re.search(r"<script[^>]*\ssrc=\"[^\"]*leaflet/leaflet", page)
    assert not re.search(r"<link[^>]*\shref=\"[^\"]*leaflet/leaflet", page)
    loader = re.search(r"<script[^>]*core/leaflet-lazy\.js[^>]*>", page)
    assert loader and 'data-leaflet-js="/static/vendor/leaflet/leaflet.js"' in loader.group()
    assert 'id="agenda-map-toggle"' in page and 'aria-controls="agenda-map"' in page
    assert "hidden" in page.split('id="agenda-map-toggle"')[1].split(">")[0]
