"""Material needs and pledges, "my actions", the A4 poster and the sign-in sheet."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from tissage.actions import tokens
from tissage.actions.attendance import views as attendance_views
from tissage.actions.models import Need, Pledge, Registration
from tissage.actions.registration import queries as registration_queries
from tissage.actions.tests.registration.test_registration import make_action
from tissage.core.tests.factories import (
    ROLES,
    ProjectMembershipFactory,
    UserFactory,
    user_with_role,
)
from tissage.core.tests.matrices import EVERYONE, FORBIDDEN, LOGIN, NOT_FOUND, OK, STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client, settings):
    """Assert the msgids, whatever the state of the French catalogue."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def manager_of(action):
    return ProjectMembershipFactory(project=action.project, role="facilitator").user


def url(name, action, **kwargs):
    return reverse(f"actions:{name}", kwargs={"slug": action.slug, **kwargs})


# --- Needs and pledges -------------------------------------------------------------


def test_a_manager_adds_changes_and_removes_needs(client):
    action = make_action()
    client.force_login(manager_of(action))
    response = client.post(url("needs", action), {"new-label": "Bêches", "new-quantity": "4"})
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.label, need.quantity) == ("Bêches", 4)
    client.post(url("needs", action), {"new-label": "Remorque", "new-quantity": "1"})
    assert list(action.needs.values_list("label", "position")) == [("Bêches", 0), ("Remorque", 1)]
    client.post(
        url("need_edit", action, need_pk=need.pk),
        {f"need-{need.pk}-label": "Bêches", f"need-{need.pk}-quantity": "6"},
    )
    need.refresh_from_db()
    assert need.quantity == 6
    Pledge.objects.create(need=need, name="Ana", quantity=2)
    client.post(url("need_delete", action, need_pk=need.pk))
    assert list(action.needs.values_list("label", flat=True)) == ["Remorque"]
    assert not Pledge.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("0", "Give a quantity of at least 1"), ("deux", "Type a whole number")],
)
def test_a_bad_quantity_is_explained_and_nothing_saved(client, quantity, message):
    action = make_action()
    client.force_login(manager_of(action))
    response = client.post(url("needs", action), {"new-label": "Bêches", "new-quantity": quantity})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Need.objects.exists()
    need = Need.objects.create(action=action, label="Gants", quantity=3)
    response = client.post(
        url("need_edit", action, need_pk=need.pk),
        {f"need-{need.pk}-label": "Gants", f"need-{need.pk}-quantity": quantity},
    )
    assert message in response.content.decode()
    need.refresh_from_db()
    assert need.quantity == 3


def test_a_need_of_another_action_is_not_found(client):
    action, other = make_action(), make_action()
    need = Need.objects.create(action=other, label="Gants", quantity=3)
    client.force_login(manager_of(action))
    assert client.post(url("need_delete", action, need_pk=need.pk)).status_code == 404
    assert Need.objects.exists()


def test_the_action_page_shows_pledged_needed_and_missing(client):
    action = make_action()
    spades = Need.objects.create(action=action, label="Bêches", quantity=4)
    gloves = Need.objects.create(action=action, label="Gants", quantity=2, position=1)
    Pledge.objects.create(need=spades, name="Ana", quantity=1)
    Pledge.objects.create(need=gloves, name="Ana", quantity=3)
    page = client.get(url("detail", action)).content.decode()
    assert "Material" in page
    assert "1 pledged / 4 needed" in page and "3 still missing" in page
    assert "3 pledged / 2 needed" in page and "already covered" in page
    assert page.count('name="quantity"') == 2
    assert f'id="id_pledge_{spades.pk}_name"' in page


def test_a_guest_pledges_and_over_pledging_is_shown(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Remorque", quantity=1)
    response = client.post(
        url("pledge", action, need_pk=need.pk), {"name": "Jeanne", "quantity": "2"}, follow=True
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
    page = client.get(url("detail", action)).content.decode()
    assert 'value="Paul"' in page
    client.post(url("pledge", action, need_pk=need.pk), {"name": "Paul", "quantity": "1"})
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
    response = client.post(url("pledge", action, need_pk=need.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Pledge.objects.exists()


def test_no_pledge_once_the_action_has_started(client):
    action = make_action()
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    action.starts_at = timezone.now() - datetime.timedelta(minutes=5)
    action.save(update_fields=["starts_at"])
    response = client.post(url("pledge", action, need_pk=need.pk), {"name": "A", "quantity": "1"})
    assert "pledges are closed" in response.content.decode()
    assert not Pledge.objects.exists()
    page = client.get(url("detail", action)).content.decode()
    assert 'name="quantity"' not in page


def test_the_action_page_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    action = make_action()

    def add(count):
        for number in range(count):
            need = Need.objects.create(action=action, label=f"Outil {number}", quantity=3)
            Pledge.objects.create(need=need, name="Ana", quantity=1)

    add(2)
    with django_assert_max_num_queries(50) as few:
        client.get(url("detail", action))
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("detail", action)).content.decode()
    assert page.count("1 pledged / 3 needed") == 12


# --- My actions ----------------------------------------------------------------------


def test_my_actions_lists_upcoming_with_cancel_link_and_past_with_hours(client):
    person = UserFactory()
    coming = make_action()
    past = make_action()
    past.starts_at = timezone.now() - datetime.timedelta(days=3)
    past.ends_at = past.starts_at + datetime.timedelta(hours=3)
    past.save(update_fields=["starts_at", "ends_at"])
    older = make_action()
    older.starts_at = timezone.now() - datetime.timedelta(days=30)
    older.ends_at = older.starts_at + datetime.timedelta(hours=2)
    older.save(update_fields=["starts_at", "ends_at"])

    def register(action, **fields):
        return Registration.objects.create(
            action=action,
            role=action.roles.first(),
            user=person,
            email=person.email,
            name="Moi",
            status=Registration.Status.CONFIRMED,
            **fields,
        )

    upcoming = register(coming)
    register(past)
    register(older, hours=Decimal("1.5"))
    client.force_login(person)
    page = client.get(reverse("actions:mine")).content.decode()
    assert reverse("actions:cancel", args=[tokens.make(upcoming)]) in page
    assert "4.5" in page  # 3 + 1.5 hours
    assert page.index(past.title) < page.rindex(older.title)


def test_my_actions_include_guest_registrations_under_a_confirmed_address(client):
    coming = make_action()
    Registration.objects.create(
        action=coming,
        role=coming.roles.first(),
        email="camille@example.org",
        name="Camille",
        status=Registration.Status.CONFIRMED,
    )
    other = make_action()
    other.title = "Réunion des voisins"
    other.save(update_fields=["title"])
    Registration.objects.create(
        action=other,
        role=other.roles.first(),
        email="someone.else@example.org",
        name="X",
        status=Registration.Status.CONFIRMED,
    )
    confirmed = UserFactory(email="camille@example.org")
    client.force_login(confirmed)
    page = client.get(reverse("actions:mine")).content.decode()
    assert coming.title in page and other.title not in page
    # An address nobody has proved to own yet does not show someone else's registrations.
    confirmed.email_confirmed_at = None
    confirmed.save(update_fields=["email_confirmed_at"])
    assert coming.title not in client.get(reverse("actions:mine")).content.decode()


def test_my_actions_asks_anonymous_people_to_sign_in(client):
    response = client.get(reverse("actions:mine"))
    assert response.status_code == 302
    assert "/compte/" in response.url


def test_my_actions_needs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    person = UserFactory()
    client.force_login(person)

    def add(count):
        for _ in range(count):
            action = make_action()
            Registration.objects.create(
                action=action,
                role=action.roles.first(),
                user=person,
                email=person.email,
                name="Moi",
                status=Registration.Status.CONFIRMED,
            )

    add(2)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("actions:mine"))
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("actions:mine")).content.decode()
    assert page.count("annuler/") == 10


def test_my_actions_totals_past_hours_in_the_service():
    person = UserFactory()
    action = make_action()
    Registration.objects.create(
        action=action,
        role=action.roles.first(),
        user=person,
        email=person.email,
        name="Moi",
        status=Registration.Status.CONFIRMED,
    )
    later = action.ends_at + datetime.timedelta(minutes=1)
    assert registration_queries.my_actions(person, later).total_hours == Decimal("3.00")
    assert registration_queries.my_actions(person).upcoming[0].action == action


# --- Poster and sign-in sheet ----------------------------------------------------------


def test_the_poster_has_the_facts_and_a_qr_code_of_the_absolute_url(client):
    action = make_action()
    response = client.get(url("poster", action))
    page = response.content.decode()
    assert response.status_code == 200
    for fact in (
        "Plantation de haies",
        "Place de la mairie",
        "Devant la mairie",
        "Gants et bottes",
    ):
        assert fact in page
    absolute = "http://testserver" + url("detail", action)
    expected = segno.make(absolute, error="m").svg_inline(
        svgclass="poster-qr", lineclass="poster-qr-line", omitsize=True, border=2
    )
    assert expected in page
    assert absolute in page
    assert "<script>" not in page and "style=" not in page
    assert "actions/print.css" in page


def test_the_sign_in_sheet_lists_confirmed_registrants_and_empty_rows(client):
    action = make_action()
    role = action.roles.first()
    Registration.objects.create(
        action=action,
        role=role,
        email="a@example.org",
        name="Aline",
        companions=2,
        status=Registration.Status.CONFIRMED,
    )
    Registration.objects.create(
        action=action,
        role=role,
        email="b@example.org",
        name="Bruno",
        status=Registration.Status.WAITING,
    )
    client.force_login(manager_of(action))
    page = client.get(url("sign_in_sheet", action)).content.decode()
    assert "Aline" in page and "Bruno" not in page
    assert page.count('class="sheet-empty"') == attendance_views.SHEET_EMPTY_ROWS
    assert "<caption>" in page and 'scope="col"' in page


# --- Permissions (docs/permissions.md) -----------------------------------------------

DRAFT_ACTION_SEEN_BY_MANAGERS = {
    "anonymous": NOT_FOUND,
    "participant": NOT_FOUND,
    "project_member": NOT_FOUND,
}


def _expect(matrix, role, draft):
    expected = dict(matrix)[role]
    if draft and role in DRAFT_ACTION_SEEN_BY_MANAGERS:
        return DRAFT_ACTION_SEEN_BY_MANAGERS[role]
    return expected


def _answer(response) -> str:
    if response.status_code in (200, 302) and "/compte/" in response.get("Location", ""):
        return LOGIN
    return {200: OK, 302: OK, 403: FORBIDDEN, 404: NOT_FOUND}[response.status_code]


PAGES = {
    "needs": STAFF,
    "needs_post": STAFF,
    "need_edit": STAFF,
    "need_delete": STAFF,
    "sign_in_sheet": STAFF,
    "poster": EVERYONE,
    "pledge": EVERYONE,
}


@pytest.mark.parametrize("draft", [False, True], ids=["published", "draft_action"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_what(client, role, page, draft):
    action = make_action(status="draft" if draft else "published")
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    user = user_with_role(role, action.project)
    if user is not None:
        client.force_login(user)
    match page:
        case "needs" | "sign_in_sheet" | "poster":
            response = client.get(url(page, action))
        case "needs_post":
            response = client.post(url("needs", action), {"new-label": "Pelles", "new-quantity": 1})
        case "need_edit":
            response = client.post(
                url(page, action, need_pk=need.pk),
                {f"need-{need.pk}-label": "Pelles", f"need-{need.pk}-quantity": 1},
            )
        case "need_delete" | "pledge":
            response = client.post(url(page, action, need_pk=need.pk), {"name": "X", "quantity": 1})
    expected = _expect(PAGES[page], role, draft)
    assert _answer(response) == expected
    changed = (
        Pledge.objects.exists()
        or not Need.objects.filter(label="Bêches").exists()
        or Need.objects.filter(label="Pelles").exists()
    )
    assert changed == (
        expected == OK and page in {"needs_post", "need_edit", "need_delete", "pledge"}
    )


def test_managers_find_material_poster_and_sheet_on_the_action_page(client):
    action = make_action()
    assert url("poster", action) not in client.get(url("detail", action)).content.decode()
    client.force_login(manager_of(action))
    page = client.get(url("detail", action)).content.decode()
    for name in ("needs", "poster", "sign_in_sheet"):
        assert url(name, action) in page
