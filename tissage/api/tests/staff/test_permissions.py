"""Who may call each staff endpoint: every endpoint, every role, every situation
(docs/permissions.md, "API").

A token is made by the staff of one organisation for it, and allows what its owner may do
on the web pages, within that organisation only:
- no token → 401; a token whose owner is not (or no longer) on the organisation's staff
  (participant, project member: they could not have made it otherwise) → 403;
- a project facilitator who is not on the organisation's staff holds, at best, a token of
  another organisation: out of its scope → 403;
- another organisation's staff → 403 on what they see, 404 on what is hidden from them
  (a draft action, a draft project's things), as on the web pages;
- the organisation's facilitators and admins, and superusers (a token for the
  organisation) → done.
"""

from __future__ import annotations

import datetime

import pytest

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.models import Registration
from tissage.actions.tests.helpers import in_days
from tissage.api.tests.helpers import (
    a_stale_token,
    a_token,
    another_organisations_token,
    call,
)
from tissage.core.tests.factories import ProjectFactory, UserFactory, user_with_role
from tissage.inventories.tests.helpers import heritage_campaign, submit

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "participant",
    "project_member",
    "project_facilitator",
    "organisation_facilitator",
    "organisation_admin",
    "other_organisation_staff",
    "superuser",
]
DONE, UNAUTHORIZED, FORBIDDEN, NOT_FOUND = "done", 401, 403, 404


def expected(*, hidden_from_others: bool) -> dict[str, object]:
    return {
        "anonymous": UNAUTHORIZED,
        "participant": FORBIDDEN,
        "project_member": FORBIDDEN,
        "project_facilitator": FORBIDDEN,
        "organisation_facilitator": DONE,
        "organisation_admin": DONE,
        "other_organisation_staff": NOT_FOUND if hidden_from_others else FORBIDDEN,
        "superuser": DONE,
    }


def token_for(role: str, project) -> str | None:  # type: ignore[no-untyped-def]
    organisation = project.organisation
    match role:
        case "other_organisation_staff":
            return another_organisations_token(UserFactory())
        case "anonymous":
            return None
        case "participant" | "project_member":
            return a_stale_token(user_with_role(role, project), organisation)
        case "project_facilitator":
            return another_organisations_token(user_with_role(role, project))
    return a_token(user_with_role(role, project), organisation)


class World:
    def __init__(self, situation: str) -> None:
        self.project = ProjectFactory(
            status="draft" if situation == "draft_project" else "published"
        )
        starts_at = in_days(5)
        self.action = action_create(
            project=self.project,
            title="Plantation",
            starts_at=starts_at,
            ends_at=starts_at + datetime.timedelta(hours=2),
            roles=[RoleInput("Planter", 5)],
            status="draft" if situation == "draft_action" else "published",
        )
        Registration.objects.create(
            action=self.action,
            role=self.action.roles.get(),
            email="jeanne@example.org",
            name="Jeanne",
            status=Registration.Status.CONFIRMED,
        )
        self.campaign = heritage_campaign(project=self.project)
        self.item = submit(self.campaign, title="Lavoir", contributor=UserFactory())

    def request(self, client, endpoint: str, secret: str | None):  # type: ignore[no-untyped-def]
        action, campaign = self.action.slug, self.campaign.slug
        start = in_days(6)
        match endpoint:
            case "create":
                return call(
                    client,
                    "post",
                    f"/api/v1/staff/projects/{self.project.slug}/actions",
                    secret,
                    {
                        "title": "Arrachage",
                        "starts_at": start.isoformat(),
                        "ends_at": (start + datetime.timedelta(hours=2)).isoformat(),
                    },
                )
            case "update":
                return call(
                    client, "patch", f"/api/v1/staff/actions/{action}", secret, {"title": "Bis"}
                )
            case "registrants":
                return call(client, "get", f"/api/v1/staff/actions/{action}/registrants", secret)
            case "registrants_csv":
                return call(
                    client, "get", f"/api/v1/staff/actions/{action}/registrants.csv", secret
                )
            case "contributions":
                return call(
                    client, "get", f"/api/v1/staff/campaigns/{campaign}/contributions", secret
                )
            case "decide":
                return call(
                    client,
                    "post",
                    f"/api/v1/staff/campaigns/{campaign}/contributions/{self.item.pk}/decision",
                    secret,
                    {"status": "validated"},
                )
        raise AssertionError(endpoint)


# endpoint → situation → whether a person outside the team can see the object.
CASES = [
    (endpoint, situation, hidden)
    for endpoint in ("create", "update", "registrants", "registrants_csv")
    for situation, hidden in (
        ("published", False),
        # Creating depends on the project only: a draft action of it changes nothing.
        ("draft_action", endpoint != "create"),
        ("draft_project", True),
    )
] + [
    (endpoint, situation, hidden)
    for endpoint in ("contributions", "decide")
    for situation, hidden in (("published", False), ("draft_project", True))
]


@pytest.mark.parametrize(("endpoint", "situation", "hidden"), CASES)
@pytest.mark.parametrize("role", ROLES)
def test_who_may_call_each_staff_endpoint(client, endpoint, situation, hidden, role):
    world = World(situation)
    secret = token_for(role, world.project)

    response = world.request(client, endpoint, secret)

    answer = expected(hidden_from_others=hidden)[role]
    if answer == DONE:
        assert response.status_code in (200, 201), response.content
    else:
        assert response.status_code == answer, response.content
        assert response.json()["message"]


@pytest.mark.parametrize("endpoint", ["create", "update", "registrants", "contributions", "decide"])
def test_a_token_never_reaches_another_organisation_even_for_a_superuser(client, endpoint):
    world = World("published")
    superuser = user_with_role("superuser", world.project)
    elsewhere = ProjectFactory().organisation
    secret = a_token(superuser, elsewhere)

    response = world.request(client, endpoint, secret)

    assert response.status_code == 403
    assert elsewhere.name in response.json()["message"]
    world.action.refresh_from_db()
    world.item.refresh_from_db()
    assert world.action.title == "Plantation"
    assert world.item.status == "submitted"
