"""Material needs (the facilitators' list) and pledges on the action page."""

from __future__ import annotations

import datetime

import pytest
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
