"""Organisation admins manage their team: add by email, change roles, remove."""

import pytest
from django.core import mail

from tissage.accounts.models import User
from tissage.core.tests.factories import (
    OrganisationFactory,
    OrganisationMembershipFactory,
    SuperuserFactory,
    UserFactory,
)
from tissage.organisations.models import OrganisationMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(name="PETR des Garrigues")


@pytest.fixture
def admin(client, organisation):
    user = UserFactory(display_name="Camille")
    OrganisationMembershipFactory(organisation=organisation, user=user, role="admin")
    client.force_login(user)
    return user


def team_url(organisation) -> str:
    return f"/structures/{organisation.slug}/equipe/"


def test_admin_adds_a_new_person_who_gets_an_email(
    client, admin, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(organisation), {"email": "Nadia@Example.org", "role": "facilitator"}
        )
    assert response.status_code == 302
    nadia = User.objects.get(email="nadia@example.org")
    assert nadia.email_confirmed_at is None
    assert OrganisationMembership.objects.get(organisation=organisation, user=nadia).role == (
        "facilitator"
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nadia@example.org"]
    assert "PETR des Garrigues" in message.subject
    assert "/compte/connexion/" in message.body
    assert "Camille" in message.body


def test_adding_someone_already_there_changes_nothing_but_the_role(client, admin, organisation):
    existing = UserFactory(email="lea@example.org")
    OrganisationMembershipFactory(organisation=organisation, user=existing, role="facilitator")
    client.post(team_url(organisation), {"email": "lea@example.org", "role": "admin"})
    assert User.objects.filter(email="lea@example.org").count() == 1
    assert OrganisationMembership.objects.get(user=existing).role == "admin"


def test_bad_email_is_refused_with_a_message(client, admin, organisation):
    response = client.post(team_url(organisation), {"email": "pas-une-adresse", "role": "admin"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert OrganisationMembership.objects.count() == 1


def test_unknown_role_is_refused(client, admin, organisation):
    response = client.post(team_url(organisation), {"email": "a@example.org", "role": "boss"})
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    assert not User.objects.filter(email="a@example.org").exists()


def test_the_last_admin_cannot_leave_or_step_down(client, admin, organisation):
    membership = OrganisationMembership.objects.get(user=admin)
    url = f"{team_url(organisation)}{membership.pk}/"
    client.post(url, {"action": "remove"})
    client.post(url, {"role": "facilitator"})
    membership.refresh_from_db()
    assert membership.role == "admin"


def test_admin_changes_a_role_and_removes_someone(client, admin, organisation):
    other = OrganisationMembershipFactory(organisation=organisation, role="facilitator")
    url = f"{team_url(organisation)}{other.pk}/"
    client.post(url, {"role": "admin"})
    other.refresh_from_db()
    assert other.role == "admin"
    # Now that there are two admins, the first one may step down.
    mine = OrganisationMembership.objects.get(user=admin)
    client.post(f"{team_url(organisation)}{mine.pk}/", {"role": "facilitator"})
    mine.refresh_from_db()
    assert mine.role == "facilitator"


def test_membership_of_another_organisation_is_not_found(client, admin, organisation):
    elsewhere = OrganisationMembershipFactory(role="admin")
    response = client.post(f"{team_url(organisation)}{elsewhere.pk}/", {"action": "remove"})
    assert response.status_code == 404
    assert OrganisationMembership.objects.filter(pk=elsewhere.pk).exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("participant", 403), ("facilitator", 403), ("admin", 200), ("superuser", 200)],
)
def test_only_admins_open_the_team_page(client, organisation, role, status):
    if role == "superuser":
        client.force_login(SuperuserFactory())
    elif role == "participant":
        client.force_login(UserFactory())
    elif role in {"facilitator", "admin"}:
        membership = OrganisationMembershipFactory(organisation=organisation, role=role)
        client.force_login(membership.user)
    response = client.get(team_url(organisation))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/compte/connexion/")


def test_team_page_queries_do_not_grow(client, admin, organisation, django_assert_max_num_queries):
    for _ in range(20):
        OrganisationMembershipFactory(organisation=organisation)
    with django_assert_max_num_queries(6):  # + the header's count of unread notifications
        response = client.get(team_url(organisation))
    assert len(response.context["members"]) == 21
