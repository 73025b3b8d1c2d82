"""Material needs (the facilitators' list) and pledges on the action page."""

from __future__ import annotations

import datetime
import importlib
import itertools

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.utils import timezone

from tissage.actions.models import Need, Pledge, Registration
from tissage.actions.tests.helpers import action_url, make_action, manager_of
from tissage.core.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


# --- Needs and pledges -------------------------------------------------------------


def test_a_manager_adds_changes_and_removes_needs(client):
    action = make_action()
    client.force_login(manager_of(action))
    response = client.post(
        action_url("needs", action), {"new-label": "Bêches", "new-quantity": "4"}
    )
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.label, need.quantity) == ("Bêches", 4)
    client.post(action_url("needs", action), {"new-label": "Remorque", "new-quantity": "1"})
    assert list(action.needs.values_list("label", "position")) == [("Bêches", 0), ("Remorque", 1)]
    client.post(
        action_url("need_edit", action, need_pk=need.pk),
        {f"need-{need.pk}-label": "Bêches", f"need-{need.pk}-quantity": "6"},
    )
    need.refresh_from_db()
    assert need.quantity == 6
    Pledge.objects.create(need=need, name="Ana", quantity=2)
    client.post(action_url("need_delete", action, need_pk=need.pk))
    assert list(action.needs.values_list("label", flat=True)) == ["Remorque"]
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "Give a quantity of at least 1"), ("deux", "Type a whole number")],
)
def test_a_bad_quantity_is_explained_and_nothing_saved(client, quantity, message):
    action = make_action()
    client.force_login(manager_of(action))
    response = client.post(
        action_url("needs", action), {"new-label": "Bêches", "new-quantity": quantity}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Need.objects.exists()
    need = Need.objects.create(action=action, label="Gants", quantity=3)
    response = client.post(
        action_url("need_edit", action, need_pk=need.pk),
        {f"need-{need.pk}-label": "Gants", f"need-{need.pk}-quantity": quantity},
    )
    assert message in response.content.decode()
    need.refresh_from_db()
    assert need.quantity == 3


def test_a_need_of_another_action_is_not_found(client):
    action, other = make_action(), make_action()
    need = Need.objects.create(action=other, label="Gants", quantity=3)
    client.force_login(manager_of(action))
    assert client.post(action_url("need_delete", action, need_pk=need.pk)).status_code == 404
    assert Need.objects.exists()


def test_the_action_page_shows_pledged_needed_and_missing(client):
    action = make_action()
    spades = Need.objects.create(action=action, label="Bêches", quantity=4)
    gloves = Need.objects.create(action=action, label="Gants", quantity=2, position=1)
    Pledge.objects.create(need=spades, name="Ana", quantity=1)
    Pledge.objects.create(need=gloves, name="Ana", quantity=3)
    page = client.get(action_url("detail", action)).content.decode()
    assert "Material" in page
    assert "1 pledged / 4 needed" in page and "3 still missing" in page
    assert "3 pledged / 2 needed" in page and "already covered" in page
    assert page.count('name="quantity"') == 2
    assert f'id="id_pledge_{spades.pk}_name"' in page


def test_a_guest_pledges_and_over_pledging_is_shown(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Remorque", quantity=1)
    response = client.post(
        action_url("pledge", action, need_pk=need.pk),
        {"name": "Jeanne", "quantity": "2"},
        follow=True,
    )
    page = response.content.decode()
    assert "Thank you" in page
    assert "already covered" in page
    pledge = Pledge.objects.get()
    assert (pledge.name, pledge.quantity, pledge.registration) == ("Jeanne", 2, None)


def test_a_signed_in_person_has_the_name_prefilled_and_the_pledge_tied_to_the_registration(
    client,
):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    person = UserFactory(display_name="Paul")
    registration = Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=person,
        email=person.email,
        name="Paul",
        status=Registration.Status.CONFIRMED,
    )
    client.force_login(person)
    page = client.get(action_url("detail", action)).content.decode()
    assert 'value="Paul"' in page
    client.post(action_url("pledge", action, need_pk=need.pk), {"name": "Paul", "quantity": "1"})
    assert Pledge.objects.get().registration == registration


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Jeanne", "quantity": "0"}, "Give a quantity of at least 1"),
        ({"name": "Jeanne", "quantity": "beaucoup"}, "Type a whole number"),
        ({"name": "", "quantity": "1"}, "Give your name"),
    ],
)
def test_a_bad_pledge_is_explained(client, data, message):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    response = client.post(action_url("pledge", action, need_pk=need.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Pledge.objects.exists()


def test_no_pledge_once_the_action_has_started(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    action.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    action.save(update_fields=["starts_at"])
    response = client.post(
        action_url("pledge", action, need_pk=need.pk), {"name": "A", "quantity": "1"}
    )
    assert "pledges are closed" in response.content.decode()
    assert not Pledge.objects.exists()
    page = client.get(action_url("detail", action)).content.decode()
    assert 'name="quantity"' not in page


def test_the_action_page_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    action = make_action()

    def add(count):
        for number in range(count):
            need = Need.objects.create(action=action, label=f"Outil {number}", quantity=3)
            Pledge.objects.create(need=need, name="Ana", quantity=1)

    add(2)
    with django_assert_max_num_queries(50) as few:
        client.get(action_url("detail", action))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(action_url("detail", action)).content.decode()
    assert page.count("1 pledged / 3 needed") == 12


# --- Confirming pledges (the action's team) -----------------------------------------


def confirm_url(action, pledge) -> str:
    return action_url("pledge_confirm", action, pledge_pk=pledge.pk)


def registered_pledge(action, need, *, name="Paul", email="paul@example.org") -> Pledge:
    """A pledge made through a registration (what `pledge_add` ties when the person who
    pledges is registered), so it leads to an address."""
    registration = Registration.objects.create(
        action=action,
        role=action.roles.first(),
        email=email,
        name=name,
        status=Registration.Status.CONFIRMED,
    )
    return Pledge.objects.create(need=need, registration=registration, name=name, quantity=2)


@pytest.fixture
def team_client(client, committed):
    """A client whose requests end with a commit: the emails they queue are sent."""
    return committed(client)


def test_the_team_confirms_a_pledge_and_the_person_is_told_once(team_client, settings):
    settings.SITE_URL = "https://tissage.example"
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    pledge = registered_pledge(action, need)
    team_client.force_login(manager_of(action))
    page = team_client.get(action_url("needs", action)).content.decode()
    assert "Paul brings 2" in page and "To confirm" in page
    assert f'action="{confirm_url(action, pledge)}"' in page

    response = team_client.post(confirm_url(action, pledge), follow=True)

    assert response.redirect_chain == [(action_url("needs", action) + f"#need-{need.pk}", 302)]
    page = response.content.decode()
    assert "The pledge of Paul is confirmed; they are told by email." in page
    assert "Confirmed" in page and "To confirm" not in page
    assert f'action="{confirm_url(action, pledge)}"' not in page
    pledge.refresh_from_db()
    confirmed_at = pledge.confirmed_at
    assert confirmed_at is not None
    assert [message.to for message in mail.outbox] == [["paul@example.org"]]
    email = mail.outbox[0]
    assert "Your pledge is confirmed: Plantation de haies" in email.subject
    assert "confirm your pledge: you bring 2 × Bêches" in email.body
    assert f"https://tissage.example/actions/{action.slug}/" in email.body

    again = team_client.post(confirm_url(action, pledge), follow=True)

    assert "was already confirmed" in again.content.decode()
    pledge.refresh_from_db()
    assert pledge.confirmed_at == confirmed_at
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("who", ["guest", "no_address", "cancelled"])
def test_confirming_a_pledge_that_leads_to_no_address_writes_to_nobody(team_client, who):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    if who == "guest":
        pledge = Pledge.objects.create(need=need, name="Jeanne", quantity=1)
    else:
        pledge = registered_pledge(
            action,
            need,
            name="Jeanne",
            email="jeanne@x.invalid" if who == "no_address" else "jeanne@example.org",
        )
        if who == "cancelled":
            pledge.registration.status = Registration.Status.CANCELLED
            pledge.registration.save(update_fields=["status"])
    team_client.force_login(manager_of(action))

    response = team_client.post(confirm_url(action, pledge), follow=True)

    assert "The pledge of Jeanne is confirmed." in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.confirmed_at is not None
    assert mail.outbox == []


def test_a_pledge_is_not_confirmed_once_the_action_has_started(team_client):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    pledge = registered_pledge(action, need)
    action.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    action.save(update_fields=["starts_at"])
    team_client.force_login(manager_of(action))
    page = team_client.get(action_url("needs", action)).content.decode()
    assert "Not confirmed" in page and "To confirm" not in page

    response = team_client.post(confirm_url(action, pledge), follow=True)

    assert "there is nothing left to confirm" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.confirmed_at is None
    assert mail.outbox == []


def test_confirming_takes_a_post_only(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    pledge = Pledge.objects.create(need=need, name="Ana", quantity=1)
    client.force_login(manager_of(action))

    assert client.get(confirm_url(action, pledge)).status_code == 405
    pledge.refresh_from_db()
    assert pledge.confirmed_at is None


def test_a_pledge_of_another_action_is_not_found(client):
    action, other = make_action(), make_action()
    need = Need.objects.create(action=other, label="Gants", quantity=3)
    pledge = Pledge.objects.create(need=need, name="Ana", quantity=1)
    client.force_login(manager_of(action))

    assert client.post(confirm_url(action, pledge)).status_code == 404
    pledge.refresh_from_db()
    assert pledge.confirmed_at is None


def test_an_unconfirmed_pledge_counts_toward_its_need(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Remorque", quantity=1)
    Pledge.objects.create(need=need, name="Ana", quantity=1)
    page = client.get(action_url("detail", action)).content.decode()
    assert "1 pledged / 1 needed" in page and "already covered" in page


def test_the_material_page_needs_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    action = make_action()
    client.force_login(manager_of(action))

    numbers = itertools.count()

    def add(count):
        for _ in range(count):
            number = next(numbers)
            need = Need.objects.create(action=action, label=f"Outil {number}", quantity=3)
            Pledge.objects.create(need=need, name="Ana", quantity=1)
            registered_pledge(action, need, name=f"Paul {number}", email=f"p{number}@example.org")

    add(2)
    with django_assert_max_num_queries(50) as few:
        client.get(action_url("needs", action))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(action_url("needs", action)).content.decode()
    assert page.count("Ana brings 1") == 12
    assert page.count("To confirm") == 24


def test_pledges_made_before_confirmation_existed_count_as_confirmed():
    """The data migration: older pledges are confirmed on the day they were made."""
    migration = importlib.import_module("tissage.actions.migrations.0007_pledge_confirmed_at")
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    made = timezone.now() - datetime.timedelta(days=3)
    old = Pledge.objects.create(need=need, name="Ana", quantity=1, created_at=made)
    confirmed = timezone.now() - datetime.timedelta(days=1)
    other = Pledge.objects.create(need=need, name="Paul", quantity=1, confirmed_at=confirmed)

    migration.confirm_existing(django_apps, None)

    old.refresh_from_db()
    other.refresh_from_db()
    assert old.confirmed_at == made
    assert other.confirmed_at == confirmed
