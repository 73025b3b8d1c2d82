"""Facilitators create actions and weekly series.

Pages are asked for in English (the language cookie) so that the checks hold whatever
the state of the French catalogue; the French is checked by the lead's page tests."""

from __future__ import annotations

import datetime
import re
from html import escape

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tissage.actions.manage.forms import ActionForm
from tissage.actions.models import Action, ActionSeries
from tissage.core.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

# The groups of the action form, in order (in English).
LEGENDS = [
    "The action",
    "Who may come",
    "When",
    "Where",
    "Roles and places",
    "Registration",
    "Publication",
]

LATITUDE_INVALID = (
    "Type the latitude as a number, e.g. 43.8374 or 43°50'15\"N, or paste the point from a "
    "map, e.g. 43.8370, 4.3601."
)


def form_data(**changes) -> dict[str, object]:
    day = timezone.localdate() + datetime.timedelta(days=14)
    data = {
        "kind": "workday",
        "title": "Chantier mare",
        "description": "Curage de la mare.",
        "difficulty": "medium",
        "children_welcome": "on",
        "date": day.isoformat(),
        "start_time": "09:00",
        "end_time": "12:30",
        "address": "Chemin des Prés",
        "reminder_hours_before": "24",
        "waiting_list": "on",
        "status": "published",
        "default_places": "15",
        "role_name_0": "Curer",
        "role_places_0": "8",
        "role_name_1": "Accueil",
        "role_places_1": "2",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create_url(project) -> str:
    return reverse("actions:create", kwargs={"project_slug": project.slug})


# --- Creating ---------------------------------------------------------------------------


def test_a_facilitator_creates_a_published_action_with_its_roles(client, project):
    commune = CommuneFactory()
    project.communes.add(commune)

    response = client.post(
        create_url(project),
        form_data(commune=commune.pk, longitude="5.02", latitude="44.75", capacity="9"),
    )

    action = Action.objects.get()
    assert response["Location"] == reverse("actions:detail", kwargs={"slug": action.slug})
    assert (action.title, action.status, action.commune, action.capacity) == (
        "Chantier mare",
        "published",
        commune,
        9,
    )
    assert timezone.localtime(action.starts_at).strftime("%H:%M") == "09:00"
    assert action.ends_at - action.starts_at == datetime.timedelta(hours=3, minutes=30)
    assert [(r.name, r.places) for r in action.roles.all()] == [("Curer", 8), ("Accueil", 2)]


def test_without_roles_everyone_is_a_participant_with_the_places_asked(client, project):
    client.post(
        create_url(project),
        form_data(role_name_0="", role_places_0="", role_name_1="", role_places_1=""),
    )

    action = Action.objects.get()
    assert [(r.name, r.places) for r in action.roles.all()] == [("Participant", 15)]


def test_only_the_communes_of_the_project_and_organisation_are_offered(client, project):
    mine, organisation_s, elsewhere = CommuneFactory(), CommuneFactory(), CommuneFactory()
    project.communes.add(mine)
    project.organisation.communes.add(organisation_s)

    response = client.post(create_url(project), form_data(commune=elsewhere.pk))

    assert response.status_code == 200
    assert "Choose one of the communes offered." in response.content.decode()
    assert set(response.context["form"].fields["commune"].queryset) == {mine, organisation_s}
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"date": "9999-12-31", "repeat_weeks": "5"},
        {"date": "0001-01-01"},
        {"registration_opens_at": "0001-01-01T00:00"},
        {"registration_closes_at": "9999-12-31T23:59"},
    ],
)
def test_dates_beyond_the_calendar_are_form_errors(client, project, changes):
    response = client.post(create_url(project), form_data(**changes))

    assert response.status_code == 200
    field = next(iter(changes))
    assert response.context["form"].errors[field] == ["Give a date between 1900 and 2100."]
    assert not Action.objects.exists()


def test_repeat_every_week_creates_a_series_at_the_same_local_time(client, project):
    client.post(create_url(project), form_data(repeat_weeks="5", status="draft"))

    series = ActionSeries.objects.get()
    actions = list(series.actions.order_by("starts_at"))
    assert len(actions) == 5
    assert {timezone.localtime(a.starts_at).strftime("%a %H:%M") for a in actions} == {
        timezone.localtime(actions[0].starts_at).strftime("%a %H:%M")
    }
    assert all(a.roles.count() == 2 and a.status == "draft" for a in actions)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "08:00"}, "The end must come after the start"),
        ({"end_time": "09:00"}, "The end must come after the start"),
        ({"date": "2020-03-01"}, "This date is past"),
        ({"date": "01/03/2099x"}, "Write the date as day/month/year"),
        ({"start_time": "25:00"}, "Write the time as hours:minutes"),
        ({"registration_closes_at": "2099-01-01T10:00"}, "Registration must close before"),
        (
            {
                "registration_opens_at": "2026-01-02T10:00",
                "registration_closes_at": "2026-01-01T10:00",
            },
            "Registration must close after it opens",
        ),
        ({"repeat_weeks": "1"}, "Between 2 and 52 weeks"),
        ({"repeat_weeks": "53"}, "Between 2 and 52 weeks"),
        (
            {"repeat_weeks": "3", "registration_closes_at": "2020-01-01T10:00"},
            "For a repeated action, leave the registration dates empty",
        ),
        ({"role_places_0": ""}, "Give the number of places of this role."),
        ({"role_name_1": ""}, "Give this role a name, or clear its places."),
        ({"role_places_0": "0"}, "At least 1 place."),
        ({"longitude": "5.1"}, "Give both the longitude and the latitude"),
        (
            {"latitude": "north", "longitude": "5"},
            LATITUDE_INVALID,
        ),
        ({"capacity": "-1"}, "At least 1 place, or leave empty."),
        ({"title": ""}, "Give the action a title."),
        ({"kind": "party"}, "Choose one of the kinds offered."),
        ({"status": "cancelled"}, "Choose draft or published."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, project, changes, message):
    response = client.post(create_url(project), form_data(**changes))

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not Action.objects.exists()
    assert not ActionSeries.objects.exists()


def test_the_form_page_shows_every_group_and_role_rows(client, project):
    page = client.get(create_url(project)).content.decode()

    for text in ["Roles and places", 'name="role_name_3"', 'name="repeat_weeks"', "<legend>"]:
        assert text in page
    assert 'name="scope"' not in page


def test_the_form_declares_its_groups_in_order_with_the_roles_table(project):
    with translation.override("en"):
        new = ActionForm(project=project).fieldsets()
        legends = [fieldset.legend for fieldset in new]
    assert legends == LEGENDS
    roles = new[legends.index("Roles and places")]
    assert roles.fields == [] and len(roles.role_rows) == 4
    assert all(fieldset.role_rows == [] for fieldset in new if fieldset is not roles)
    publication = new[-1]
    assert [field.name for field in publication.fields] == ["status"]  # no scope: no series


def test_the_page_shows_the_groups_in_the_order_of_the_form(client, project):
    page = client.get(create_url(project)).content.decode()

    legends = re.findall(r"<legend><h2>([^<]+)</h2></legend>", page)
    assert legends == LEGENDS
