"""Who may create and edit actions and manage registrants: every facilitators' URL for
every role (docs/permissions.md).

Managers are the project's facilitators, the staff of its organisation and superusers.
Others: anonymous → sign in, first, whatever the address names; signed in → 403; what they
may not see (a draft action, an action of a draft project) → 404, so that it does not leak.
"""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Action, Need, Pledge, Registration
from tissage.actions.tests.helpers import (
    STAFF_DRAFT_ACTION,
    action_url,
    in_days,
    make_action,
    manager_of,
)
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import ROLES, ProjectFactory, user_with_role
from tissage.core.tests.matrices import (
    EVERYONE,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    STAFF,
    STAFF_DRAFT,
    assert_answer,
)

pytestmark = pytest.mark.django_db

SITUATIONS = {
    "published": STAFF,
    "draft_action": STAFF_DRAFT_ACTION,
    "draft_project": STAFF_DRAFT,
}
# Creating depends on the project only: a draft action changes nothing there.
CREATE_SITUATIONS = {"published": STAFF, "draft_action": STAFF, "draft_project": STAFF_DRAFT}


@pytest.fixture
def client(client, committed):
    """Emails leave at the end of each request, as after a real commit."""
    return committed(client)


class World:
    def __init__(self, situation: str) -> None:
        self.project = ProjectFactory(
            status="draft" if situation == "draft_project" else "published"
        )
        starts_at = in_days(5)  # 9:00: ends the same day, whatever the hour tests run at
        self.action = action_create(
            project=self.project,
            title="Plantation",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            roles=[RoleInput("Planter", 5), RoleInput("Accueil", 2)],
            status="draft" if situation == "draft_action" else "published",
        )
        self.registration = Registration.objects.create(
            action=self.action,
            role=self.action.roles.first(),
            email="jeanne@example.org",
            name="Jeanne",
            status=Registration.Status.CONFIRMED,
        )
        self.draft_action = situation == "draft_action"

    def url(self, name: str, **kwargs: object) -> str:
        return reverse(f"actions:{name}", kwargs={"slug": self.action.slug, **kwargs})

    def request(self, client, page: str):
        action = self.action
        day = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
        match page:
            case "create":
                return client.get(reverse("actions:create", args=[self.project.slug]))
            case "create_post":
                return client.post(
                    reverse("actions:create", args=[self.project.slug]),
                    {
                        "kind": "workday",
                        "title": "Nouvelle action",
                        "difficulty": "easy",
                        "date": day,
                        "start_time": "09:00",
                        "end_time": "11:00",
                        "reminder_hours_before": "24",
                        "status": "draft",
                        "default_places": "10",
                    },
                )
            case "edit":
                return client.get(self.url("edit"))
            case "edit_post":
                starts = timezone.localtime(action.starts_at)
                return client.post(
                    self.url("edit"),
                    {
                        "kind": "workday",
                        "title": "Plantation d’automne",
                        "difficulty": "easy",
                        "date": starts.date().isoformat(),
                        "start_time": starts.strftime("%H:%M"),
                        "end_time": timezone.localtime(action.ends_at).strftime("%H:%M"),
                        "reminder_hours_before": "24",
                        "status": action.status,
                        **{
                            key: value
                            for row, role in enumerate(action.roles.all())
                            for key, value in [
                                (f"role_id_{row}", role.pk),
                                (f"role_name_{row}", role.name),
                                (f"role_places_{row}", role.places),
                            ]
                        },
                    },
                )
            case "cancel_action":
                return client.get(self.url("cancel_action"))
            case "cancel_action_post":
                return client.post(self.url("cancel_action"), {"note": "Pluie."})
            case "registrants":
                return client.get(self.url("registrants"))
            case "registrants_add":
                return client.post(
                    self.url("registrants"),
                    {
                        "add-name": "Marcel",
                        "add-role": action.roles.first().pk,
                        "add-companions": "0",
                    },
                )
            case "registrant_change":
                return client.post(
                    self.url("registrant_change", pk=self.registration.pk), {"do": "cancel"}
                )
            case "message":
                return client.get(self.url("registrants_message"))
            case "message_post":
                return client.post(
                    self.url("registrants_message"), {"subject": "Infos", "text": "Bonjour"}
                )
        raise AssertionError(page)

    def changed(self, page: str) -> bool:
        self.action.refresh_from_db()
        self.registration.refresh_from_db()
        match page:
            case "create_post":
                return Action.objects.filter(title="Nouvelle action").exists()
            case "edit_post":
                return self.action.title == "Plantation d’automne"
            case "cancel_action_post":
                return self.action.status == Action.Status.CANCELLED
            case "registrants_add":
                return Registration.objects.filter(name="Marcel").exists()
            case "registrant_change":
                return self.registration.status == Registration.Status.CANCELLED
            case "message_post":
                return OutgoingEmail.objects.filter(to="jeanne@example.org").exists()
        return (
            Action.objects.count() != 1
            or self.action.title != "Plantation"
            or Registration.objects.count() != 1
            or self.registration.status != Registration.Status.CONFIRMED
            or OutgoingEmail.objects.exists()
        )


GETS = ["create", "edit", "cancel_action", "registrants", "message"]
POSTS = [
    "create_post",
    "edit_post",
    "cancel_action_post",
    "registrants_add",
    "registrant_change",
    "message_post",
]


@pytest.mark.parametrize("situation", list(SITUATIONS))
@pytest.mark.parametrize("page", GETS + POSTS)
@pytest.mark.parametrize("role", ROLES)
def test_manage_pages_by_role(client, role, page, situation):
    world = World(situation)
    table = dict((CREATE_SITUATIONS if page.startswith("create") else SITUATIONS)[situation])
    user = user_with_role(role, world.project)
    if user is not None:
        client.force_login(user)
    # Registration stays closed on a draft action, for the team too: the form says so.
    refused_by_rule = page == "registrants_add" and world.draft_action
    ok_status = 400 if refused_by_rule else 302 if page in POSTS else 200

    response = world.request(client, page)

    assert_answer(response, table[role], ok_status=ok_status)
    if page in POSTS:
        assert world.changed(page) == (table[role] == OK and not refused_by_rule)
    else:
        assert not world.changed(page)  # looking never changes anything


@pytest.mark.parametrize(("role", "expected"), STAFF)
def test_registrants_contacts_only_for_managers(client, role, expected):
    world = World("published")
    world.registration.phone = "06 12 34 56 78"
    world.registration.save(update_fields=["phone"])
    user = user_with_role(role, world.project)
    if user is not None:
        client.force_login(user)

    page = client.get(world.url("registrants")).content.decode()

    assert ("jeanne@example.org" in page) == (expected == OK)
    assert ("06 12 34 56 78" in page) == (expected == OK)


@pytest.mark.parametrize("name", ["edit", "cancel_action", "registrants", "registrants_message"])
def test_signing_in_leads_back_to_the_page(client, name):
    world = World("published")
    path = world.url(name)

    response = client.get(path)

    assert response["Location"] == f"/compte/connexion/?next={quote(path)}"


def test_a_form_that_only_takes_a_post_signs_in_back_to_its_page(client):
    """After signing in, the person lands on the page that holds the form, not on an
    address that answers a GET with 405."""
    world = World("published")
    need = Need.objects.create(action=world.action, label="Bêches", quantity=3)
    posts = {
        world.url("registrant_change", pk=world.registration.pk): world.url("registrants"),
        world.url("need_edit", need_pk=need.pk): world.url("needs"),
        world.url("need_delete", need_pk=need.pk): world.url("needs"),
        world.url(
            "pledge_confirm",
            pledge_pk=Pledge.objects.create(need=need, name="Ana", quantity=1).pk,
        ): world.url("needs"),
        world.url("invite_volunteer"): world.url("volunteers"),
    }
    for path, page in posts.items():
        response = client.post(path, {})
        assert response["Location"] == f"/compte/connexion/?next={quote(page)}", path


def test_a_manager_of_another_project_may_not_manage_this_action(client):
    world = World("published")
    client.force_login(user_with_role("project_facilitator", ProjectFactory()))

    assert client.get(world.url("registrants")).status_code == 403
    assert client.post(world.url("cancel_action"), {}).status_code == 403
    world.action.refresh_from_db()
    assert world.action.status == Action.Status.PUBLISHED


@pytest.mark.parametrize("page", ["edit", "registrants", "cancel_action"])
def test_an_unknown_action_is_not_found(client, page):
    client.force_login(user_with_role("superuser", ProjectFactory()))

    assert client.get(reverse(f"actions:{page}", args=["nope"])).status_code == 404


def test_get_is_not_allowed_to_change_a_registration(client):
    world = World("published")
    client.force_login(user_with_role("superuser", world.project))

    response = client.get(world.url("registrant_change", pk=world.registration.pk))

    assert response.status_code == 405


# --- Permissions (docs/permissions.md) -----------------------------------------------

# A draft action is hidden from whoever does not manage it (404); pages for a role ask
# anonymous visitors to sign in first, whatever the address names.
DRAFT_ACTION_HIDDEN_FROM = {"anonymous", "participant", "project_member"}


def _expect(matrix, role, draft):
    expected = dict(matrix)[role]
    if draft and role in DRAFT_ACTION_HIDDEN_FROM and expected != LOGIN:
        return NOT_FOUND
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
            response = client.get(action_url(page, action))
        case "needs_post":
            response = client.post(
                action_url("needs", action), {"new-label": "Pelles", "new-quantity": 1}
            )
        case "need_edit":
            response = client.post(
                action_url(page, action, need_pk=need.pk),
                {f"need-{need.pk}-label": "Pelles", f"need-{need.pk}-quantity": 1},
            )
        case "need_delete" | "pledge":
            response = client.post(
                action_url(page, action, need_pk=need.pk), {"name": "X", "quantity": 1}
            )
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


@pytest.mark.parametrize("draft", [False, True], ids=["published", "draft_action"])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_confirm_a_pledge(client, role, draft):
    """Confirming a pledge is for who manages the action (the same rule as its needs)."""
    action = make_action(status="draft" if draft else "published")
    need = Need.objects.create(action=action, label="Bêches", quantity=4)
    pledge = Pledge.objects.create(need=need, name="Ana", quantity=1)
    user = user_with_role(role, action.project)
    if user is not None:
        client.force_login(user)

    response = client.post(action_url("pledge_confirm", action, pledge_pk=pledge.pk))

    expected = _expect(STAFF, role, draft)
    assert _answer(response) == expected
    pledge.refresh_from_db()
    assert (pledge.confirmed_at is not None) == (expected == OK)


def test_managers_find_material_poster_and_sheet_on_the_action_page(client):
    action = make_action()
    assert (
        action_url("poster", action)
        not in client.get(action_url("detail", action)).content.decode()
    )
    client.force_login(manager_of(action))
    page = client.get(action_url("detail", action)).content.decode()
    for name in ("needs", "poster", "sign_in_sheet"):
        assert action_url(name, action) in page
