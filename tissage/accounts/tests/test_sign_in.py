"""Signing in with an emailed code or link, and signing out."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.core import mail
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tissage.accounts.models import SignInCode, SignInCodeFailure, User
from tissage.accounts.services import (
    CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR,
    CODES_PER_EMAIL_PER_HOUR,
    CODES_PER_REQUESTER_PER_HOUR,
    LIVE_CODES_PER_BROWSER,
    WRONG_CODES_PER_BROWSER_PER_HOUR,
    WRONG_CODES_PER_EMAIL_PER_DAY,
    WRONG_CODES_PER_REQUESTER_PER_DAY,
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
# The owner of EMAIL and someone who wants to keep them out, each on their own connection.
OWNER_IP = "198.51.100.10"
ATTACKER_IP = "203.0.113.66"

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


@pytest.fixture
def browser(committed):
    """`browser(ip)`: a new browser (a session of its own) on the connection `ip`, each
    request of which ends with a commit, so that its emails are sent."""

    def make(ip: str = OWNER_IP) -> Client:
        return committed(Client(REMOTE_ADDR=ip))

    return make


def ask_code(client: Client, email: str = EMAIL) -> str:
    """Ask for a code in this browser; returns the code the email brought."""
    sent = len(mail.outbox)
    response = client.post(SIGN_IN, {"email": email})
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == CODE
    assert len(mail.outbox) == sent + 1
    assert mail.outbox[-1].to == [email]
    return code_in(mail.outbox[-1])


def wrong_codes() -> Iterator[str]:
    """Codes that none of the emails sent so far carries, from 000000 up."""
    sent = {code_in(message) for message in mail.outbox}
    return (f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in sent)


def is_refused(response) -> bool:
    return response.status_code == 200 and "code" in response.context["form"].errors


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def request_code(post, email: str = EMAIL) -> str:
    response = post(SIGN_IN, {"email": email})
    assert response.status_code == 302
    assert response["Location"] == CODE
    return code_in(mail.outbox[-1])


def test_a_person_with_a_name_lands_on_their_space_after_signing_in(client, post):
    """A new account chooses its name first; someone known finds their participation."""
    UserFactory(email=EMAIL, display_name="Camille")
    post(SIGN_IN, {"email": EMAIL})

    response = post(CODE, {"code": code_in(mail.outbox[-1])})

    assert response.status_code == 302
    assert response["Location"] == "/compte/mon-espace/"


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
    assert SignInCodeFailure.objects.filter(email=EMAIL).count() == 1


def test_malformed_code_is_a_form_error_not_a_try(client, post):
    request_code(post)

    response = post(CODE, {"code": "12ab"})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not SignInCodeFailure.objects.exists()


def test_each_wrong_code_says_how_many_tries_are_left(client, post, in_english):
    request_code(post)
    wrong = next(wrong_codes())

    for left in range(WRONG_CODES_PER_BROWSER_PER_HOUR - 1, 0, -1):
        response = post(CODE, {"code": wrong})
        (error,) = response.context["form"].errors["code"]
        assert f"({left} tr" in error, error

    response = post(CODE, {"code": wrong})
    (error,) = response.context["form"].errors["code"]
    assert error.startswith("Too many wrong codes")


def test_a_browser_is_locked_after_five_wrong_codes_but_the_link_still_works(client, post):
    code = request_code(post)
    token = token_in(mail.outbox[-1])
    wrong = next(wrong_codes())

    for _ in range(WRONG_CODES_PER_BROWSER_PER_HOUR):
        assert is_refused(post(CODE, {"code": wrong}))

    response = post(CODE, {"code": code})

    assert is_refused(response)
    assert signed_in_user_id(client) is None
    assert not User.objects.filter(email=EMAIL).exists()
    # Further tries are refused without being counted.
    assert SignInCodeFailure.objects.count() == WRONG_CODES_PER_BROWSER_PER_HOUR
    # The link cannot be guessed: wrong codes never close it.
    response = post(f"/compte/connexion/lien/{token}/")
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert signed_in_user_id(client) == str(User.objects.get(email=EMAIL).pk)


def test_expired_code_is_refused(client, post):
    code = request_code(post)
    SignInCode.objects.filter(email=EMAIL).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = post(CODE, {"code": code})

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert signed_in_user_id(client) is None
    # Without a live code there was nothing to guess: not counted as a wrong code.
    assert not SignInCodeFailure.objects.exists()


@pytest.mark.parametrize("typed", range(4))
def test_the_last_three_codes_of_a_browser_work(client, post, monkeypatch, typed):
    numbers = iter([111111, 222222, 333333, 444444])
    monkeypatch.setattr("tissage.accounts.services.secrets.randbelow", lambda _n: next(numbers))
    codes = [request_code(post) for _ in range(LIVE_CODES_PER_BROWSER + 1)]
    assert codes == ["111111", "222222", "333333", "444444"]

    response = post(CODE, {"code": codes[typed]})

    if typed == 0:  # the fourth code retired the first
        assert is_refused(response)
        assert signed_in_user_id(client) is None
    else:
        assert response.status_code == 302
        assert signed_in_user_id(client) is not None
        # Signed in: the browser's other codes are of no more use.
        assert not SignInCode.objects.live().exists()


def test_a_code_works_only_in_the_browser_that_asked_for_it(browser):
    owner = browser()
    code = ask_code(owner)
    other = browser()  # same connection, another browser
    ask_code(other)

    assert is_refused(other.post(CODE, {"code": code}))
    assert signed_in_user_id(other) is None

    response = owner.post(CODE, {"code": code})
    assert response.status_code == 302
    assert signed_in_user_id(owner) is not None


# Issue #11, point 3: five code requests and five wrong codes locked anyone out for an hour.


def test_an_attacker_cannot_spoil_the_code_the_owner_is_about_to_type(browser):
    owner = browser(OWNER_IP)
    code = ask_code(owner)
    attacker = browser(ATTACKER_IP)
    for _ in range(5):
        attacker.post(SIGN_IN, {"email": EMAIL})
    for wrong, _ in zip(wrong_codes(), range(6), strict=False):
        assert is_refused(attacker.post(CODE, {"code": wrong}))
    assert signed_in_user_id(attacker) is None

    response = owner.post(CODE, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert signed_in_user_id(owner) == str(User.objects.get(email=EMAIL).pk)


def test_after_an_attack_the_owner_gets_a_new_code_and_signs_in(browser):
    attacker = browser(ATTACKER_IP)
    for _ in range(5):
        attacker.post(SIGN_IN, {"email": EMAIL})
    wrong = next(wrong_codes())
    for _ in range(6):
        assert is_refused(attacker.post(CODE, {"code": wrong}))

    owner = browser(OWNER_IP)
    code = ask_code(owner)
    response = owner.post(CODE, {"code": code})

    assert response.status_code == 302
    assert signed_in_user_id(owner) == str(User.objects.get(email=EMAIL).pk)


def test_the_attacker_is_locked_out_by_their_own_wrong_codes(browser):
    attacker = browser(ATTACKER_IP)
    # A code the attacker asked for went to the owner's mailbox; the test reads it to
    # show that even the right code no longer works in a browser that guessed.
    own_code = ask_code(attacker)
    guesses = wrong_codes()
    for _ in range(WRONG_CODES_PER_BROWSER_PER_HOUR):
        assert is_refused(attacker.post(CODE, {"code": next(guesses)}))
    assert is_refused(attacker.post(CODE, {"code": own_code}))

    # Fresh browsers (cookies dropped) on the same connection add their wrong codes to
    # the first one's, up to the connection's limit; then even a right code fails there.
    for _ in range(WRONG_CODES_PER_REQUESTER_PER_DAY // WRONG_CODES_PER_BROWSER_PER_HOUR - 1):
        fresh = browser(ATTACKER_IP)
        ask_code(fresh)
        for _ in range(WRONG_CODES_PER_BROWSER_PER_HOUR):
            assert is_refused(fresh.post(CODE, {"code": next(guesses)}))
    last = browser(ATTACKER_IP)
    last_code = ask_code(last)
    assert is_refused(last.post(CODE, {"code": last_code}))
    assert not User.objects.filter(email=EMAIL).exists()
    assert SignInCodeFailure.objects.count() == WRONG_CODES_PER_REQUESTER_PER_DAY

    # The owner, on their own connection, is not locked.
    owner = browser(OWNER_IP)
    response = owner.post(CODE, {"code": ask_code(owner)})
    assert response.status_code == 302


def an_hour_passes() -> None:
    """Everything recorded about sign-in happened an hour earlier."""
    hour = timedelta(hours=1)
    SignInCode.objects.update(created_at=F("created_at") - hour, expires_at=F("expires_at") - hour)
    SignInCodeFailure.objects.update(created_at=F("created_at") - hour)


def test_a_brute_force_spread_over_many_connections_fails(browser):
    """Guessing from ever new browsers and connections, hour after hour: the address's
    ceiling of wrong codes closes code typing for everyone, five times what one connection
    reaches; nobody is signed in by a guess, and the owner's link still works."""
    browsers_per_connection = WRONG_CODES_PER_REQUESTER_PER_DAY // WRONG_CODES_PER_BROWSER_PER_HOUR
    for connection in range(WRONG_CODES_PER_EMAIL_PER_DAY // WRONG_CODES_PER_REQUESTER_PER_DAY):
        for _ in range(browsers_per_connection):
            guesser = browser(f"192.0.2.{connection}")
            ask_code(guesser)
            # One try past the limit: refused without being counted.
            for guess, _ in zip(
                wrong_codes(), range(WRONG_CODES_PER_BROWSER_PER_HOUR + 1), strict=False
            ):
                assert is_refused(guesser.post(CODE, {"code": guess}))
        an_hour_passes()  # codes sent to an address are limited per hour too
    assert SignInCodeFailure.objects.count() == WRONG_CODES_PER_EMAIL_PER_DAY

    latecomer = browser("192.0.2.200")
    assert is_refused(latecomer.post(CODE, {"code": ask_code(latecomer)}))
    owner = browser(OWNER_IP)
    owner_code = ask_code(owner)
    owner_token = token_in(mail.outbox[-1])
    assert is_refused(owner.post(CODE, {"code": owner_code}))
    assert not User.objects.filter(email=EMAIL).exists()
    # The last resort closes code typing, never the link.
    response = owner.post(f"/compte/connexion/lien/{owner_token}/")
    assert response.status_code == 302
    assert signed_in_user_id(owner) == str(User.objects.get(email=EMAIL).pk)


def test_a_browser_may_type_codes_again_an_hour_later(client, post):
    request_code(post)
    wrong = next(wrong_codes())
    for _ in range(WRONG_CODES_PER_BROWSER_PER_HOUR):
        assert is_refused(post(CODE, {"code": wrong}))

    an_hour_passes()
    code = request_code(post)

    response = post(CODE, {"code": code})
    assert response.status_code == 302


def test_code_requests_are_limited_per_address_and_connection(browser):
    for _ in range(CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR):
        ask_code(browser(OWNER_IP))

    # Not even from a fresh browser on the same connection.
    response = browser(OWNER_IP).post(SIGN_IN, {"email": EMAIL})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert len(mail.outbox) == CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR
    # Another connection still gets its code, and so do other addresses.
    ask_code(browser(ATTACKER_IP))
    ask_code(browser(OWNER_IP), "someone.else@example.org")


def test_an_address_receives_at_most_so_many_codes_an_hour_and_keeps_them(browser):
    owner = browser(OWNER_IP)
    code = ask_code(owner)
    for number in range(CODES_PER_EMAIL_PER_HOUR - 1):
        ask_code(browser(f"203.0.113.{number // CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR}"))

    response = browser("192.0.2.1").post(SIGN_IN, {"email": EMAIL})

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert len(mail.outbox) == CODES_PER_EMAIL_PER_HOUR
    assert SignInCode.objects.filter(email=EMAIL).count() == CODES_PER_EMAIL_PER_HOUR
    # Nothing already sent was spoilt: the owner's first code still works.
    response = owner.post(CODE, {"code": code})
    assert response.status_code == 302


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


def test_an_account_made_by_a_code_has_no_password_and_says_so(client, post, in_english):
    """An empty password field counts as a password for Django: every new account was
    told it had one, on its page and in its data export."""
    post(CODE, {"code": request_code(post)})

    user = User.objects.get(email=EMAIL)
    assert not user.has_usable_password()
    page = client.get(ACCOUNT).content.decode()
    assert "No password: you sign in with a code sent by email." in page
    assert "You have a password" not in page
    export = client.get("/compte/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(export.getvalue())) as archive:
        assert json.loads(archive.read("data.json"))["account"]["has_password"] is False


def test_accounts_made_before_lose_the_empty_password_that_counted_as_one():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "tissage.accounts.migrations.0003_passwordless_accounts_have_no_password"
    )
    before = UserFactory()
    User.objects.filter(pk=before.pk).update(password="")
    with_password = UserFactory()
    with_password.set_password("correct horse battery")
    with_password.save()

    migration.mark_unusable(apps, None)

    assert not User.objects.get(pk=before.pk).has_usable_password()
    assert User.objects.get(pk=with_password.pk).check_password("correct horse battery")
