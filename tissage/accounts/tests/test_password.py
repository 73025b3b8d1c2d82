"""The optional password: added from the account page, used on its own sign-in page."""

import pytest

from tissage.accounts.models import PasswordFailure, User

pytestmark = pytest.mark.django_db
PASSWORD = "un-long-mot-de-passe-2026"


@pytest.fixture
def person(client):
    user = User.objects.create_user("claire@example.org", display_name="Claire")
    client.force_login(user)
    return user


def test_person_adds_then_uses_a_password(client, person):
    response = client.post(
        "/compte/mot-de-passe/", {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.has_usable_password()

    client.post("/compte/deconnexion/")
    response = client.post(
        "/compte/connexion/mot-de-passe/", {"email": "CLAIRE@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/compte/").context["user"] == person


def test_weak_password_is_refused_with_a_message(client, person):
    response = client.post(
        "/compte/mot-de-passe/", {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_removing_the_password(client, person):
    person.set_password(PASSWORD)
    person.save()
    client.force_login(person)
    client.post("/compte/mot-de-passe/", {"remove": "1"})
    person.refresh_from_db()
    assert not person.has_usable_password()


def test_wrong_passwords_lock_the_address_after_five_tries(client, person):
    person.set_password(PASSWORD)
    person.save()
    client.post("/compte/deconnexion/")
    for _ in range(5):
        response = client.post(
            "/compte/connexion/mot-de-passe/", {"email": person.email, "password": "wrong"}
        )
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
    assert PasswordFailure.objects.filter(email=person.email).count() == 5
    # Even the right password is refused while locked.
    response = client.post(
        "/compte/connexion/mot-de-passe/", {"email": person.email, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_account_without_password_cannot_sign_in_with_an_empty_one(client, person):
    client.post("/compte/deconnexion/")
    response = client.post(
        "/compte/connexion/mot-de-passe/", {"email": person.email, "password": ""}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
