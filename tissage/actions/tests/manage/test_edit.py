"""Facilitators edit an action, one date or a whole series: registrants are told, the
waiting list moves up, places taken are kept.

Pages are asked for in English (the language cookie) so that the checks hold whatever
the state of the French catalogue; the French is checked by the lead's page tests."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tissage.actions.manage.services import RoleInput, series_create
from tissage.actions.models import Action, Registration
from tissage.actions.registration import services as registration_services
from tissage.actions.tests.helpers import an_action, in_days, register, without_address
from tissage.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


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
    Action.objects.filter(pk=action.pk).update(starts_at=in_days(-2, 9), ends_at=in_days(-2, 11))
    action.refresh_from_db()

    response = client.post(edit_url(action), edit_data(action, title="Bilan"))

    assert response.status_code == 302, response.context["form"].errors
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
