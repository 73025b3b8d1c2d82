"""Signing in with an emailed code or link, and signing out."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from tissage.accounts.models import CODE_MAX_FAILURES, SignInCode, User
from tissage.accounts.services import (
    CODES_PER_EMAIL_PER_HOUR,
    CODES_PER_REQUESTER_PER_HOUR,
    requester_fingerprint,
)
from tissage.core.emails import REDACTED
from tissage.core.models import OutgoingEmail
from tissage.core.tests.factories import (
    UserFactory,
)

pytestmark = pytest.mark.django_db

SIGN_IN = "/compte/connexion/"
CODE = "/compte/connexion/code/"
ACCOUNT = "/compte/"
EMAIL = "camille@example.org"

# The code sits alone on an indented line of the plain-text email.
CODE_LINE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
LINK = re.compile(r"https?://[^\s]+/compte/connexion/lien/([^/\s]+)/")


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run on-commit callbacks, so that queued emails reach mail.outbox."""

    def _post(url: str, data: dict[str, object] | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data or {})

    return _post


def code_in(message: mail.EmailMessage) -> str:
    match = CODE_LINE.search(message.body)
    assert match, message.body
    return match.group(1)


def token_in(message: mail.EmailMessage) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def request_code(post, email: str = EMAIL) -> str:
    response = post(SIGN_IN, {"email": email})
    assert response.status_code == 302
    assert response["Location"] == CODE
    return code_in(mail.outbox[-1])


def test_sign_in_with_code_creates_a_confirmed_account(client, post):
    response = post(SIGN_IN, {"email": "Camille@Example.org"})

    assert response.status_code == 302
    assert response["Location"] == CODE
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    code = code_in(message)
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=EMAIL).exists()

    response = post(CODE, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    user = User.objects.get(email=EMAIL)
    assert user.email_confirmed_at is not None
    assert signed_in_user_id(client) == str(user.pk)
    assert SignInCode.objects.get(email=EMAIL).used_at is not None


def test_code_with_spaces_is_accepted(client, post):
    code = request_code(post)

    response = post(CODE, {"code": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


def test_sign_in_with_existing_account_keeps_it(client, post):
    user = UserFactory(email=EMAIL, email_confirmed_at=None)
    code = request_code(post)

    post(CODE, {"code": code})

    assert User.objects.count() == 1
    assert signed_in_user_id(client) == str(user.pk)
    user.refresh_from_db()
    assert user.email_confirmed_at is not None


def test_code_page_without_email_sends_back_to_first_step(client):
    response = client.get(CODE)

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN


def test_wrong_code_is_refused(client, post):
    code = request_code(post)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = post(CODE, {"code": wrong})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=EMAIL).exists()
    assert SignInCode.objects.get(email=EMAIL).failures == 1


def test_malformed_code_is_a_form_error_not_a_try(client, post):
    request_code(post)

    response = post(CODE, {"code": "12ab"})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert SignInCode.objects.get(email=EMAIL).failures == 0


def test_code_is_locked_after_five_wrong_tries(client, post):
    code = request_code(post)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    for _ in range(CODE_MAX_FAILURES):
        response = post(CODE, {"code": wrong})
        assert response.status_code == 200
        assert "code" in response.context["form"].errors

    response = post(CODE, {"code": code})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=EMAIL).exists()


def test_expired_code_is_refused(client, post):
    code = request_code(post)
    SignInCode.objects.filter(email=EMAIL).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = post(CODE, {"code": code})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_only_the_newest_code_works(client, post, monkeypatch):
    codes = iter([111111, 222222])
    monkeypatch.setattr("tissage.accounts.services.secrets.randbelow", lambda _n: next(codes))
    old_code = request_code(post)
    new_code = request_code(post)
    assert (old_code, new_code) == ("111111", "222222")

    response = post(CODE, {"code": old_code})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    response = post(CODE, {"code": new_code})
    assert response.status_code == 302
    assert signed_in_user_id(client) is not None


def test_code_requests_are_rate_limited_per_address(client, post):
    for _ in range(CODES_PER_EMAIL_PER_HOUR):
        request_code(post)
    assert len(mail.outbox) == CODES_PER_EMAIL_PER_HOUR

    response = post(SIGN_IN, {"email": EMAIL})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert len(mail.outbox) == CODES_PER_EMAIL_PER_HOUR
    assert SignInCode.objects.filter(email=EMAIL).count() == CODES_PER_EMAIL_PER_HOUR


def test_rate_limit_counts_per_address(client, post):
    for _ in range(CODES_PER_EMAIL_PER_HOUR):
        request_code(post)

    response = post(SIGN_IN, {"email": "someone.else@example.org"})

    assert response.status_code == 302
    assert len(mail.outbox) == CODES_PER_EMAIL_PER_HOUR + 1


def test_known_and_unknown_addresses_get_the_same_answer(client, post):
    UserFactory(email="known@example.org")

    known = post(SIGN_IN, {"email": "known@example.org"})
    unknown = post(SIGN_IN, {"email": "unknown@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == CODE
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["unknown@example.org"]]
    known_mail, unknown_mail = mail.outbox
    assert known_mail.subject == unknown_mail.subject


@pytest.mark.parametrize(
    "email",
    [
        "",
        "not-an-address",
        "a@",
        "@example.org",
        # Invisible characters pasted with an address: its email could never be sent.
        "camille@example.org\u200f",
        "cam\u200bille@example.org",
    ],
)
def test_bad_email_address_is_a_form_error(client, post, email):
    response = post(SIGN_IN, {"email": email})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert mail.outbox == []
    assert not SignInCode.objects.exists()


def test_magic_link_get_shows_a_confirmation_and_does_not_sign_in(client, post):
    request_code(post)
    token = token_in(mail.outbox[-1])

    response = client.get(f"/compte/connexion/lien/{token}/")

    assert response.status_code == 200
    assert 'method="post"' in response.text
    assert signed_in_user_id(client) is None
    assert SignInCode.objects.get(email=EMAIL).used_at is None


def test_magic_link_post_signs_in_once(client, post):
    request_code(post)
    token = token_in(mail.outbox[-1])
    link = f"/compte/connexion/lien/{token}/"

    response = post(link)

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    user = User.objects.get(email=EMAIL)
    assert user.email_confirmed_at is not None
    assert signed_in_user_id(client) == str(user.pk)

    client.logout()
    response = post(link)

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert signed_in_user_id(client) is None


def test_magic_link_works_in_another_browser(client, post, django_capture_on_commit_callbacks):
    request_code(post)
    token = token_in(mail.outbox[-1])
    other = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(f"/compte/connexion/lien/{token}/")

    assert response.status_code == 302
    assert other.session.get("_auth_user_id") == str(User.objects.get(email=EMAIL).pk)


def test_unknown_magic_link_is_refused(client, post):
    response = post("/compte/connexion/lien/not-a-real-token/")

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert signed_in_user_id(client) is None
    assert not User.objects.exists()


def test_expired_magic_link_is_refused(client, post):
    request_code(post)
    token = token_in(mail.outbox[-1])
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = post(f"/compte/connexion/lien/{token}/")

    assert response["Location"] == SIGN_IN
    assert signed_in_user_id(client) is None


def test_next_on_the_same_site_is_followed(client, post):
    client.get(SIGN_IN + "?next=/projets/")
    code = request_code(post)

    response = post(CODE, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/projets/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "http://evil.example/compte/"]
)
def test_next_to_another_site_is_ignored(client, post, next_url):
    response = client.get(SIGN_IN, {"next": next_url})
    assert response.status_code == 200
    code = request_code(post)

    response = post(CODE, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT


def test_signed_in_person_is_sent_from_sign_in_to_account(client):
    client.force_login(UserFactory())

    response = client.get(SIGN_IN)

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT


def test_sign_out(client):
    client.force_login(UserFactory())

    response = client.post("/compte/deconnexion/")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) is None


def test_sign_out_refuses_get(client):
    client.force_login(UserFactory())

    response = client.get("/compte/deconnexion/")

    assert response.status_code == 405
    assert signed_in_user_id(client) is not None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "counted_as"),
    [
        # No proxy (the demo): X-Forwarded-For is the client's own words, ignored, so a
        # client cannot dodge the per-address limit by writing a new one each time.
        (0, "203.0.113.9", "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        # What stands before the proxies' entries was written by the client.
        (1, "198.51.100.7, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.7, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "", "127.0.0.1"),
    ],
)
def test_requests_are_counted_against_the_address_the_nearest_proxy_saw(
    client, settings, proxies, forwarded, counted_as
):
    settings.PROXY_COUNT = proxies
    client.post(SIGN_IN, {"email": EMAIL}, headers={"x-forwarded-for": forwarded})

    assert SignInCode.objects.get().requester == requester_fingerprint(counted_as)


def test_a_spoofed_forwarded_for_does_not_lift_the_per_connection_limit(client, settings):
    settings.PROXY_COUNT = 0
    for number in range(CODES_PER_REQUESTER_PER_HOUR):
        client.post(
            SIGN_IN,
            {"email": f"p{number}@example.org"},
            headers={"x-forwarded-for": f"203.0.113.{number}"},
        )
    client.post(SIGN_IN, {"email": "late@example.org"}, headers={"x-forwarded-for": "192.0.2.1"})

    assert SignInCode.objects.count() == CODES_PER_REQUESTER_PER_HOUR
    assert not SignInCode.objects.filter(email="late@example.org").exists()


# Issue #11, point 13: the stored copies of sent emails kept live codes and links.


def test_the_stored_copy_of_a_sign_in_email_holds_neither_its_code_nor_its_link(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_IN, {"email": EMAIL})

    # Delivered with both, over SMTP; the subject names no code.
    (delivered,) = smtp_server.messages
    text = delivered.get_body(preferencelist=("plain",)).get_content()
    html = delivered.get_body(preferencelist=("html",)).get_content()
    code = CODE_LINE.search(text).group(1)
    token = LINK.search(text).group(1)
    assert code in html and token in html
    assert code not in delivered["Subject"]
    # Stored without either, once sent.
    stored = OutgoingEmail.objects.get(to=EMAIL)
    assert stored.status == OutgoingEmail.Status.SENT
    kept = [stored.subject, stored.body_text, stored.body_html, json.dumps(stored.unredacted)]
    assert not [part for part in kept if code in part or token in part]
    assert REDACTED in stored.body_text and REDACTED in stored.body_html
    # And the code still works.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CODE, {"code": code})
    assert response.status_code == 302
    assert signed_in_user_id(client) is not None
