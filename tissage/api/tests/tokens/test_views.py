"""The token pages: reached from the account page by staff only; a new token's secret
shown once; revoking after a confirmation; one's own tokens only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tissage.api.models import ApiToken
from tissage.api.tests.helpers import a_token, call
from tissage.core.tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.organisations.models import OrganisationMembership
from tissage.projects.models import ProjectMembership

pytestmark = pytest.mark.django_db

LIST = "/compte/jetons-api/"


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_account_page_shows_the_tokens_section_to_staff_only(client, project, staff):
    client.force_login(staff)
    html = client.get(reverse("accounts:account")).content.decode()
    assert LIST in html
    assert '<h2 id="api-tokens-title">My API tokens</h2>' in html

    facilitator = ProjectMembershipFactory(
        project=project, role=ProjectMembership.Role.FACILITATOR
    ).user
    for person in (UserFactory(), facilitator):
        client.force_login(person)
        page = client.get(reverse("accounts:account"))
        assert page.status_code == 200
        assert LIST not in page.content.decode()


def test_the_account_page_keeps_a_constant_number_of_queries(
    client, project, staff, django_assert_num_queries
):
    client.force_login(staff)
    a_token(staff, project.organisation)
    client.get(reverse("accounts:account"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:account"))
    for number in range(15):
        a_token(staff, project.organisation, name=f"T{number}")
    with django_assert_num_queries(len(few)):
        client.get(reverse("accounts:account"))


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("participant", 403), ("project_facilitator", 403)]
)
def test_the_token_pages_are_for_staff(client, project, who, status):
    if who == "participant":
        client.force_login(UserFactory())
    elif who == "project_facilitator":
        client.force_login(
            ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user
        )
    response = client.get(LIST)

    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/compte/connexion/?next=")


def test_making_a_token_shows_its_secret_once(client, project, staff):
    client.force_login(staff)
    response = client.post(
        LIST, {"name": "Agenda du site", "organisation": project.organisation.pk}
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert token.name == "Agenda du site" and token.user == staff
    assert call(client, "get", "/api/v1/staff/token", secret).status_code == 200
    # The list shows its beginning, never the secret.
    listing = client.get(LIST).content.decode()
    assert token.prefix in listing
    assert secret not in listing
    assert secret[len(token.prefix) :] not in listing


def test_the_form_offers_only_the_person_s_organisations(client, project, staff):
    elsewhere = OrganisationFactory(name="Ailleurs")
    client.force_login(staff)

    page = client.get(LIST).content.decode()
    assert project.organisation.name in page
    assert "Ailleurs" not in page

    response = client.post(LIST, {"name": "Ailleurs", "organisation": elsewhere.pk})
    assert response.status_code == 200
    assert "Choose one of the organisations offered." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(client, project, staff):
    client.force_login(staff)
    response = client.post(LIST, {"name": " ", "organisation": project.organisation.pk})

    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_asks_for_a_confirmation_then_stops_the_token(client, project, staff):
    secret = a_token(staff, project.organisation)
    token = ApiToken.objects.get()
    client.force_login(staff)
    url = reverse("api_tokens:revoke", args=[token.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Revoke the token" in confirm.content.decode()
    assert ApiToken.objects.get().is_active

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert not ApiToken.objects.get().is_active
    assert call(client, "get", "/api/v1/staff/token", secret).status_code == 401
    assert "Revoked on" in client.get(LIST).content.decode()
    # Again: nothing more to do.
    assert client.post(url).status_code == 302


def test_revoking_another_person_s_token_is_404(client, project, staff):
    a_token(staff, project.organisation)
    colleague = OrganisationMembershipFactory(organisation=project.organisation).user
    client.force_login(colleague)

    url = reverse("api_tokens:revoke", args=[ApiToken.objects.get().pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ApiToken.objects.get().is_active


def test_after_leaving_the_staff_one_still_sees_and_revokes_one_s_tokens(client, project, staff):
    a_token(staff, project.organisation)
    OrganisationMembership.objects.filter(user=staff).delete()
    client.force_login(staff)

    page = client.get(LIST)
    assert page.status_code == 200
    assert "Stopped: you are no longer on this organisation" in page.content.decode()
    assert "Make the token" not in page.content.decode()
    assert LIST in client.get(reverse("accounts:account")).content.decode()
    client.post(reverse("api_tokens:revoke", args=[ApiToken.objects.get().pk]))
    assert not ApiToken.objects.get().is_active


def test_the_token_list_reads_in_a_constant_number_of_queries(
    client, project, staff, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff)
    for number in range(2):
        a_token(staff, project.organisation, name=f"T{number}")
    with CaptureQueriesContext(connection) as two:
        assert client.get(LIST).status_code == 200
    for number in range(18):
        a_token(staff, OrganisationMembershipFactory(user=staff).organisation, name=f"U{number}")
    with django_assert_num_queries(len(two)):
        assert client.get(LIST).status_code == 200
