"""The Django admin is for superusers only; it has no login form of its own."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import SuperuserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/admin/", "/admin/core/outgoingemail/"])
def test_admin_is_refused_to_anonymous(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", ["/admin/", "/admin/core/outgoingemail/"])
@pytest.mark.parametrize("is_staff", [True, False])
def test_admin_is_refused_to_people_who_are_not_superusers(client, url, is_staff):
    client.force_login(UserFactory(is_staff=is_staff))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/core/outgoingemail/", "/admin/territories/commune/"]
)
def test_admin_is_open_to_superusers(client, url):
    client.force_login(SuperuserFactory())

    response = client.get(url)

    assert response.status_code == 200


def test_inactive_superuser_is_refused(client):
    user = SuperuserFactory()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = client.get("/admin/")

    assert response.status_code == 302


def test_admin_login_goes_to_the_email_sign_in(client):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/admin/"


def test_admin_login_does_not_accept_passwords(client):
    user = SuperuserFactory(password="a-long-enough-password")

    response = client.post(
        "/admin/login/", {"username": user.email, "password": "a-long-enough-password"}
    )

    assert client.session.get("_auth_user_id") is None
    assert response.status_code in {302, 405}
