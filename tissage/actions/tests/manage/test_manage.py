"""Facilitators create and edit actions and series, cancel them, and manage registrants.

Pages are asked for in English (the language cookie) so that the checks hold whatever
the state of the French catalogue; the French is checked by the lead's page tests."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tissage.actions import personal_data
from tissage.actions.attendance.services import walk_in_add
from tissage.actions.manage.services import RoleInput, action_create, series_create
from tissage.actions.models import Action, ActionSeries, Registration
from tissage.actions.registration import services as registration_services
from tissage.actions.registration.services import registration_create
from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def facilitator(project):
    return ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user


@pytest.fixture
def client(facilitator, committed):
    """The facilitator's client; emails leave at the end of each request (`committed`)."""
    client = committed(Client())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(facilitator)
    return client


def in_days(days: int, hour: int = 9) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def an_action(project, places: int = 3, **fields) -> Action:
    fields.setdefault("status", "published")
    return action_create(
        project=project,
        title="Plantation de haies",
        starts_at=in_days(10),
        ends_at=in_days(10, 12),
        roles=[RoleInput("Planter", places), RoleInput("Accueil", 2)],
        address="Place de la mairie",
        **fields,
    )


def register(action, number: int, role: str = "Planter", **changes) -> Registration:
    return registration_create(
        action=action,
        role=action.roles.get(name=role),
        name=f"Personne {number}",
        email=f"personne{number}@example.org",
        base_url="https://tissage.example",
        **changes,
    ).registration


def without_address(action, status: str = "confirmed") -> list[Registration]:
    """One registration of each kind the app makes without an address: entered by a
    facilitator, a walk-in, and one whose account was deleted."""
    role = action.roles.first()
    Registration.objects.create(
        action=action,
        role=role,
        name="Marcel",
        email=registration_services.placeholder_email(),
        status=status,
    )
    walk_in_add(action=action, name="Lucie")
    gone = UserFactory()
    Registration.objects.create(
        action=action, role=role, user=gone, name="Ancien", email=gone.email, status=status
    )
    personal_data.forget(gone)
    made = list(Registration.objects.filter(action=action, name__in=["Marcel", "Lucie", "—"]))
    assert sorted(r.email.split("@")[1] for r in made) == [
        "deleted.invalid",
        "sans-adresse.invalid",
        "sans-email.invalid",
    ]
    return made


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


def edit_data(action: Action, **changes) -> dict[str, object]:
    starts = timezone.localtime(action.starts_at)
    data = {
        "kind": action.kind,
        "title": action.title,
        "description": action.description,
        "difficulty": action.difficulty,
        "children_welcome": "on" if action.children_welcome else None,
        "date": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_time": timezone.localtime(action.ends_at).strftime("%H:%M"),
        "address": action.address,
        "meeting_point": action.meeting_point,
        "reminder_hours_before": str(action.reminder_hours_before),
        "waiting_list": "on" if action.waiting_list else None,
        "status": action.status,
        "scope": "this",
    }
    for row, role in enumerate(action.roles.all()):
        data |= {
            f"role_id_{row}": role.pk,
            f"role_name_{row}": role.name,
            f"role_places_{row}": role.places,
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
        ({"latitude": "north", "longitude": "5"}, "Type a number, e.g. 44.7551."),
        ({"capacity": "-1"}, "At least 1 place, or leave empty."),
        ({"title": ""}, "Give the action a title."),
        ({"kind": "party"}, "Choose one of the kinds offered."),
        ({"status": "cancelled"}, "Choose draft or published."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, project, changes, message):
    response = client.post(create_url(project), form_data(**changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Action.objects.exists()
    assert not ActionSeries.objects.exists()


def test_the_form_page_shows_every_group_and_role_rows(client, project):
    page = client.get(create_url(project)).content.decode()

    for text in ["Roles and places", 'name="role_name_3"', 'name="repeat_weeks"', "<legend>"]:
        assert text in page
    assert 'name="scope"' not in page


# --- Editing ----------------------------------------------------------------------------


def edit_url(action) -> str:
    return reverse("actions:edit", kwargs={"slug": action.slug})


def test_editing_the_time_tells_every_live_registrant(client, project):
    action = an_action(project)
    register(action, 1)
    register(action, 2, companions=1)
    register(action, 3)  # waiting: the role has 3 places
    gone = register(action, 4, role="Accueil")
    Registration.objects.filter(pk=gone.pk).update(status="cancelled")
    mail.outbox.clear()

    response = client.post(edit_url(action), edit_data(action, start_time="10:00"))

    assert response.status_code == 302
    action.refresh_from_db()
    assert timezone.localtime(action.starts_at).strftime("%H:%M") == "10:00"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "personne1@example.org",
        "personne2@example.org",
        "personne3@example.org",
    ]
    confirmed = next(m for m in mail.outbox if m.to == ["personne1@example.org"])
    assert "Change to the action" in confirmed.subject
    assert "the date or the time" in confirmed.body
    assert "10:00" in confirmed.body
    assert confirmed.attachments[0][0].endswith(".ics")


def test_changing_the_place_is_told_but_not_the_description(client, project):
    action = an_action(project)
    register(action, 1)
    mail.outbox.clear()

    client.post(edit_url(action), edit_data(action, description="Autre texte"))
    assert mail.outbox == []

    client.post(edit_url(action), edit_data(action, address="Salle des fêtes"))
    (message,) = mail.outbox
    assert "the place" in message.body
    assert "Salle des fêtes" in message.body


def test_registrants_without_an_address_get_no_email(client, project):
    action = an_action(project)
    registration_services.registration_assisted(
        action=action,
        role=action.roles.first(),
        name="Marcel",
        email="",
        phone="",
        companions=0,
        entered_by=UserFactory(),
        base_url="",
    )
    mail.outbox.clear()

    client.post(edit_url(action), edit_data(action, address="Salle des fêtes"))

    assert mail.outbox == []


def test_no_kind_of_placeholder_address_is_told_of_a_change(client, project):
    # Places for the four people below: with fewer, the edit is refused and tells nobody.
    action = an_action(project, places=5)
    register(action, 1)
    without_address(action)
    mail.outbox.clear()

    response = client.post(edit_url(action), edit_data(action, address="Salle des fêtes"))

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["personne1@example.org"]]


def a_series(project, count: int = 4) -> list[Action]:
    series = series_create(
        project=project,
        title="Jardin partagé",
        first_starts_at=in_days(3),
        duration=datetime.timedelta(hours=2),
        count=count,
        roles=[RoleInput("Jardiner", 5)],
        status="published",
    )
    return list(series.actions.order_by("starts_at"))


@pytest.mark.parametrize(
    ("scope", "renamed"),
    [
        ("this", [False, True, False, False]),
        ("following", [False, True, True, True]),
        ("all", [True, True, True, True]),
    ],
)
def test_series_scope_applies_fields_but_dates_change_only_on_this_one(
    client, project, scope, renamed
):
    actions = a_series(project)
    second = actions[1]
    starts = [a.starts_at for a in actions]

    response = client.post(
        edit_url(second),
        edit_data(second, title="Potager", start_time="14:00", end_time="16:00", scope=scope),
    )

    assert response.status_code == 302
    for action, expected in zip(actions, renamed, strict=True):
        action.refresh_from_db()
        assert (action.title == "Potager") == expected
    assert [a.starts_at == s for a, s in zip(actions, starts, strict=True)] == [
        True,
        False,
        True,
        True,
    ]
    assert timezone.localtime(actions[1].starts_at).strftime("%H:%M") == "14:00"


def test_the_scope_is_asked_only_for_an_action_of_a_series(client, project):
    single = an_action(project)
    (first, *_rest) = a_series(project, count=2)

    assert 'name="scope"' not in client.get(edit_url(single)).content.decode()
    assert 'name="scope"' in client.get(edit_url(first)).content.decode()


def test_a_past_action_keeps_its_date_when_other_fields_change(client, project):
    action = an_action(project)
    Action.objects.filter(pk=action.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    action.refresh_from_db()

    response = client.post(edit_url(action), edit_data(action, title="Bilan"))

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Bilan"


def test_roles_edited_added_and_removed(client, project):
    action = an_action(project)
    planter = action.roles.get(name="Planter")

    client.post(
        edit_url(action),
        edit_data(
            action,
            role_places_0="6",
            role_name_1="",
            role_places_1="",
            role_name_2="Café",
            role_places_2="1",
        ),
    )

    assert [(r.name, r.places) for r in action.roles.all()] == [("Planter", 6), ("Café", 1)]
    assert action.roles.first().pk == planter.pk  # edited in place: registrations keep it


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role_places_0": "1"}, "already has 2 places taken"),
        ({"role_name_0": "", "role_places_0": ""}, "has registrants"),
        (
            {"role_name_0": "", "role_places_0": "", "role_name_1": "", "role_places_1": ""},
            "has registrants",
        ),
    ],
)
def test_roles_cannot_lose_their_registrants(client, project, changes, message):
    action = an_action(project)
    register(action, 1, companions=1)

    response = client.post(edit_url(action), edit_data(action, title="Changé", **changes))

    assert response.status_code == 200
    assert message in response.content.decode()
    action.refresh_from_db()
    assert action.title == "Plantation de haies"  # nothing half-saved
    assert action.roles.count() == 2


def test_keeping_no_role_is_refused(client, project):
    action = an_action(project)

    response = client.post(
        edit_url(action),
        edit_data(action, role_name_0="", role_places_0="", role_name_1="", role_places_1=""),
    )

    assert "Keep at least one role." in response.content.decode()
    assert action.roles.count() == 2


def test_more_places_let_the_waiting_list_in(client, project):
    action = an_action(project, places=1)
    register(action, 1)
    waiting = register(action, 2)
    assert waiting.status == "waiting"
    mail.outbox.clear()

    client.post(edit_url(action), edit_data(action, role_places_0="2"))

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]


def test_more_overall_places_let_the_waiting_list_in(client, project):
    action = an_action(project, places=5, capacity=1)
    register(action, 1)
    waiting = register(action, 2)
    assert waiting.status == "waiting"
    mail.outbox.clear()

    response = client.post(edit_url(action), edit_data(action, capacity="5"))

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.capacity == 5
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]
    assert "place" in mail.outbox[0].subject.lower()


def test_no_overall_capacity_lets_the_waiting_list_in(client, project):
    action = an_action(project, places=5, capacity=1)
    register(action, 1)
    waiting = register(action, 2)

    client.post(edit_url(action), edit_data(action))  # capacity left empty

    action.refresh_from_db()
    assert action.capacity is None
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_overall_capacity_cannot_go_below_the_places_taken(client, project):
    action = an_action(project, places=5, capacity=10)
    register(action, 1, companions=1)
    register(action, 2)
    mail.outbox.clear()

    response = client.post(edit_url(action), edit_data(action, title="Changé", capacity="2"))

    assert response.status_code == 200
    assert "3 places are already taken" in response.content.decode()
    assert "capacity" in response.context["form"].errors
    action.refresh_from_db()
    assert (action.title, action.capacity) == ("Plantation de haies", 10)  # nothing saved
    assert mail.outbox == []

    response = client.post(edit_url(action), edit_data(action, capacity="3"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.capacity == 3


@pytest.mark.parametrize("scope", ["following", "all"])
def test_overall_capacity_of_a_series_promotes_on_every_date(client, project, scope):
    actions = a_series(project, count=3)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(capacity=1)
    waiting = []
    for action in actions:
        register(action, 1, role="Jardiner")
        waiting.append(register(action, 2, role="Jardiner"))
    assert {w.status for w in waiting} == {"waiting"}
    mail.outbox.clear()
    second = actions[1]
    second.refresh_from_db()

    response = client.post(edit_url(second), edit_data(second, capacity="4", scope=scope))

    assert response.status_code == 302
    expected = ["waiting", "confirmed", "confirmed"] if scope == "following" else ["confirmed"] * 3
    for w in waiting:
        w.refresh_from_db()
    assert [w.status for w in waiting] == expected
    assert len(mail.outbox) == expected.count("confirmed")


def test_overall_capacity_of_a_series_is_refused_if_one_date_is_too_full(client, project):
    first, second, third = a_series(project, count=3)
    for number in range(3):
        register(third, number, role="Jardiner")
    mail.outbox.clear()

    response = client.post(edit_url(first), edit_data(first, capacity="2", scope="all"))

    assert response.status_code == 200
    assert "3 places are already taken on" in response.content.decode()
    assert list(
        Action.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list(
            "capacity", flat=True
        )
    ) == [None, None, None]
    assert mail.outbox == []


def test_a_role_of_another_action_cannot_be_edited_through_the_form(client, project):
    action, other = an_action(project), an_action(project)
    foreign = other.roles.first()

    response = client.post(edit_url(action), edit_data(action, role_id_0=foreign.pk))

    assert "reload the page" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.action == other


# --- Cancelling the action --------------------------------------------------------------


def test_cancelling_the_action_asks_then_tells_every_registrant(client, project):
    action = an_action(project)
    register(action, 1)
    register(action, 2)
    mail.outbox.clear()
    url = reverse("actions:cancel_action", kwargs={"slug": action.slug})

    page = client.get(url).content.decode()
    assert "2 people are registered or waiting" in page
    action.refresh_from_db()
    assert action.status == "published"

    response = client.post(url, {"note": "Tempête annoncée."}, follow=True)

    action.refresh_from_db()
    assert action.status == "cancelled"
    assert "2 registrants are told by email" in response.content.decode()
    assert len(mail.outbox) == 2
    assert all("Cancelled" in m.subject and "Tempête annoncée." in m.body for m in mail.outbox)

    again = client.post(url, {}, follow=True)
    assert "already cancelled" in again.content.decode()
    assert len(mail.outbox) == 2


def test_cancelling_the_action_writes_to_real_addresses_only(client, project):
    action = an_action(project)
    register(action, 1)
    without_address(action)
    mail.outbox.clear()
    url = reverse("actions:cancel_action", kwargs={"slug": action.slug})

    response = client.post(url, {"note": "Tempête annoncée."}, follow=True)

    assert "1 registrant is told by email" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["personne1@example.org"]]


# --- Registrants ------------------------------------------------------------------------


def registrants_url(action) -> str:
    return reverse("actions:registrants", kwargs={"slug": action.slug})


def change_url(action, registration) -> str:
    return reverse("actions:registrant_change", kwargs={"slug": action.slug, "pk": registration.pk})


def test_the_list_shows_roles_waiting_list_and_counts(client, project):
    action = an_action(project, places=3)
    register(action, 1, companions=1, phone="06 11 22 33 44")
    register(action, 2)
    register(action, 3)  # waiting
    register(action, 4, role="Accueil")

    page = client.get(registrants_url(action)).content.decode()

    assert "personne1@example.org" in page
    assert "06 11 22 33 44" in page
    assert "3 registrations" in page
    assert "1 on the waiting list" in page
    assert "0 places left of 3" in page
    assert "1 place left of 2" in page
    assert page.index("Waiting list") < page.index("Personne 3")


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_takes_the_same_number_of_queries_however_long(
    client, project, count, django_assert_max_num_queries
):
    action = an_action(project, places=20)
    for number in range(count):
        register(action, number, entered_by=UserFactory() if number % 2 else None)

    with django_assert_max_num_queries(12):
        response = client.get(registrants_url(action))

    assert response.content.decode().count("<tr>") >= count


def test_assisted_registration_without_an_address(client, project, facilitator):
    action = an_action(project)
    role = action.roles.get(name="Accueil")

    response = client.post(
        registrants_url(action),
        {"add-name": "Marcel", "add-email": "", "add-role": role.pk, "add-companions": "1"},
        follow=True,
    )

    registration = Registration.objects.get()
    assert registration.email.endswith("@sans-email.invalid")
    assert registration.email.startswith("sans-email+")
    assert (registration.entered_by, registration.role, registration.seats) == (
        facilitator,
        role,
        2,
    )
    assert "Marcel is registered." in response.content.decode()
    assert "no email" in response.content.decode()


def test_the_list_shows_no_placeholder_address(client, project):
    action = an_action(project, places=10)
    without_address(action)

    page = client.get(registrants_url(action)).content.decode()

    assert page.count('<span class="card-meta">no email</span>') == 3
    assert ".invalid" not in page


def test_two_people_without_an_address_are_two_registrations(client, project):
    action = an_action(project)
    role = action.roles.first()
    for name in ["Marcel", "Odette"]:
        client.post(
            registrants_url(action),
            {"add-name": name, "add-role": role.pk, "add-companions": "0"},
        )

    assert Registration.objects.filter(status="confirmed").count() == 2


def test_assisted_registration_goes_on_the_waiting_list_when_full(client, project):
    action = an_action(project, places=1)
    register(action, 1)
    role = action.roles.get(name="Planter")

    response = client.post(
        registrants_url(action),
        {
            "add-name": "Léa",
            "add-email": "lea@example.org",
            "add-role": role.pk,
            "add-companions": "0",
        },
        follow=True,
    )

    assert Registration.objects.get(email="lea@example.org").status == "waiting"
    assert "Léa is on the waiting list" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"add-name": "", "add-companions": "0"}, "Give the person&#x27;s name."),
        ({"add-name": "A", "add-email": "a@", "add-companions": "0"}, "Check the email"),
        ({"add-name": "A", "add-companions": "30"}, "Between 0 and 20 people."),
        ({"add-name": "A", "add-companions": "0", "add-role": "999999"}, "Choose one of the roles"),
    ],
)
def test_assisted_registration_bad_input(client, project, data, message):
    action = an_action(project)
    data = {"add-role": action.roles.first().pk, **data}

    response = client.post(registrants_url(action), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_assisted_registration_when_registration_is_closed(client, project):
    action = an_action(project, status="draft")

    response = client.post(
        registrants_url(action),
        {"add-name": "A", "add-role": action.roles.first().pk, "add-companions": "0"},
    )

    assert "Registration for this action is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_move_to_another_role_only_if_it_fits(client, project):
    action = an_action(project, places=3)
    person = register(action, 1, companions=1)
    accueil = action.roles.get(name="Accueil")
    register(action, 2, role="Accueil")

    response = client.post(
        change_url(action, person), {"do": "move", "role": accueil.pk}, follow=True
    )
    person.refresh_from_db()
    assert person.role.name == "Planter"
    assert "Not enough places left in “Accueil”" in response.content.decode()

    Registration.objects.filter(email="personne2@example.org").update(status="cancelled")
    client.post(change_url(action, person), {"do": "move", "role": accueil.pk})
    person.refresh_from_db()
    assert person.role == accueil


def test_moving_frees_a_place_for_the_waiting_list(client, project):
    action = an_action(project, places=1)
    first = register(action, 1)
    waiting = register(action, 2)
    mail.outbox.clear()

    client.post(
        change_url(action, first), {"do": "move", "role": action.roles.get(name="Accueil").pk}
    )

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [m.to for m in mail.outbox] == [["personne2@example.org"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"do": "move"}, "Choose the new role."),
        ({"do": "fly"}, "Unknown request"),
        ({"do": "move", "role": "0"}, "Choose one of the roles of the action."),
    ],
)
def test_bad_change_requests_are_explained(client, project, data, message):
    action = an_action(project)
    person = register(action, 1)

    response = client.post(change_url(action, person), data, follow=True)

    assert message in response.content.decode()
    person.refresh_from_db()
    assert (person.status, person.role.name) == ("confirmed", "Planter")


def test_promote_from_the_waiting_list_when_it_fits(client, project):
    action = an_action(project, places=2)
    register(action, 1)
    big = register(action, 2, companions=2)  # waits: 3 people for 1 place
    small = register(action, 3)
    assert (big.status, small.status) == ("waiting", "confirmed")
    register(action, 4)  # waits too
    waiting = Registration.objects.get(email="personne4@example.org")
    mail.outbox.clear()

    response = client.post(change_url(action, big), {"do": "promote"}, follow=True)
    assert "Not enough places left in “Planter”" in response.content.decode()
    big.refresh_from_db()
    assert big.status == "waiting"

    action.roles.filter(name="Planter").update(places=3)
    client.post(change_url(action, waiting), {"do": "promote"})
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["personne4@example.org"]]

    response = client.post(change_url(action, waiting), {"do": "promote"}, follow=True)
    assert "not on the waiting list" in response.content.decode()


def test_cancelling_a_registration_promotes_the_next(client, project):
    action = an_action(project, places=1)
    first = register(action, 1)
    waiting = register(action, 2)

    response = client.post(change_url(action, first), {"do": "cancel"}, follow=True)

    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "confirmed")
    assert "1 person of the waiting list has the place." in response.content.decode()

    again = client.post(change_url(action, first), {"do": "cancel"}, follow=True)
    assert "This registration is cancelled: nothing was changed." in again.content.decode()


def test_a_registration_of_another_action_is_not_found(client, project):
    action, other = an_action(project), an_action(project)
    stranger = register(other, 1)

    response = client.post(change_url(action, stranger), {"do": "cancel"})

    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.status == "confirmed"


# --- Messages ---------------------------------------------------------------------------


def message_url(action) -> str:
    return reverse("actions:registrants_message", kwargs={"slug": action.slug})


@pytest.mark.parametrize(
    ("role", "include_waiting", "expected"),
    [
        (None, False, ["personne1@example.org", "personne4@example.org"]),
        (None, True, ["personne1@example.org", "personne2@example.org", "personne4@example.org"]),
        ("Accueil", True, ["personne4@example.org"]),
    ],
)
def test_message_to_registrants(client, project, role, include_waiting, expected):
    action = an_action(project, places=1)
    register(action, 1)
    register(action, 2)  # waiting
    gone = register(action, 3, role="Accueil")
    Registration.objects.filter(pk=gone.pk).update(status="cancelled")
    register(action, 4, role="Accueil")
    mail.outbox.clear()
    data = {"subject": "Covoiturage", "text": "Départ 8 h 30 de la gare."}
    if role:
        data["role"] = action.roles.get(name=role).pk
    if include_waiting:
        data["include_waiting"] = "on"

    response = client.post(message_url(action), data, follow=True)

    assert sorted(m.to[0] for m in mail.outbox) == expected
    assert all("Covoiturage" in m.subject and "Départ 8 h 30" in m.body for m in mail.outbox)
    assert all(
        reverse("actions:detail", kwargs={"slug": action.slug}) in m.body for m in mail.outbox
    )
    assert f"on its way to {len(expected)}" in response.content.decode()


def test_message_skips_every_kind_of_placeholder_address(client, project):
    action = an_action(project, places=1)
    register(action, 1)
    without_address(action)
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        name="Odette",
        email=registration_services.placeholder_email(),
        status="waiting",
    )
    mail.outbox.clear()
    data = {"subject": "Covoiturage", "text": "Départ 8 h 30.", "include_waiting": "on"}

    response = client.post(message_url(action), data, follow=True)

    assert [m.to for m in mail.outbox] == [["personne1@example.org"]]
    assert "on its way to 1 person." in response.content.decode()


def test_message_with_only_placeholder_addresses_writes_to_nobody(client, project):
    action = an_action(project, places=10)
    without_address(action)

    response = client.post(message_url(action), {"subject": "x", "text": "y"}, follow=True)

    assert mail.outbox == []
    assert "Nobody to write to" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"subject": "", "text": "x"}, "Give the message a subject."),
        ({"subject": "x", "text": ""}, "Write the message."),
        ({"subject": "x", "text": "y", "role": "0"}, "Choose one of the roles of the action."),
    ],
)
def test_message_bad_input(client, project, data, message):
    action = an_action(project)
    register(action, 1)
    mail.outbox.clear()

    response = client.post(message_url(action), data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_a_new_date_gets_a_new_reminder(client, project):
    action = an_action(project)
    Action.objects.filter(pk=action.pk).update(reminder_sent_at=timezone.now())
    action.refresh_from_db()

    client.post(edit_url(action), edit_data(action, title="Autre titre"))
    action.refresh_from_db()
    assert action.reminder_sent_at is not None

    client.post(edit_url(action), edit_data(action, start_time="08:00"))
    action.refresh_from_db()
    assert action.reminder_sent_at is None
