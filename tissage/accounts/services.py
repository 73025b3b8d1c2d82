"""Signing in with an emailed code or link, and a person's rights over their data."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.core.archives import Member, file_chunks, zip_stream
from tissage.core.emails import email_send
from tissage.core.files import export_name
from tissage.core.models import OutgoingEmail
from tissage.core.registry import address_confirmed_calls, personal_data_calls

from .models import (
    CODE_LIFETIME,
    PasswordFailure,
    SignInCode,
    SignInCodeFailure,
    User,
    normalise_email,
)

# Sign-in limits (accounts/README.md, "Sign-in limits", says why each one and its odds).
# The "requester" is a connection (a keyed hash of its IP address), the "browser" a
# random id kept in the session while signing in.
# Codes sent in the last hour: what one connection may ask for one address, for all
# addresses, and what an address receives from everyone together (a ceiling against
# flooding a mailbox).
CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR = 5
CODES_PER_REQUESTER_PER_HOUR = 20
CODES_PER_EMAIL_PER_HOUR = 20
# A browser's last three codes work, so the code of an earlier email still does.
LIVE_CODES_PER_BROWSER = 3
# Wrong codes typed for one address: by one browser in an hour, by one connection in a
# day (whatever browsers it pretends to be), and by everyone together in a day (a last
# resort against guessing spread over many connections, five times what one reaches; the
# magic link still works then).
WRONG_CODES_PER_BROWSER_PER_HOUR = 5
WRONG_CODES_PER_REQUESTER_PER_DAY = 20
WRONG_CODES_PER_EMAIL_PER_DAY = 100


class SignInError(Exception):
    """Sign-in refused; the message is shown to the person as it is."""


def _digest(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def requester_fingerprint(ip: str) -> str:
    """A keyed hash of the IP address: enough for rate limits, useless to anyone else."""
    return _digest(f"ip:{ip}")


def browser_fingerprint(browser_id: str) -> str:
    """A keyed hash of the random id a browser keeps in its session while signing in."""
    return _digest(f"browser:{browser_id}")


def _code_hash(email: str, code: str) -> str:
    return _digest(f"code:{email}:{code}")


def sign_in_code_request(
    *, email: str, browser: str, requester: str, language: str, base_url: str
) -> None:
    """Email a one-time code and a magic link to `email`.

    The same happens whether or not an account exists (the account is created when
    the code is used), so the answer never tells who is registered. The code works in
    `browser` only; asking for it leaves every other code of the address as it was, so
    nobody else's request can spoil the code its owner is about to type.
    """
    email = normalise_email(email)
    now = timezone.now()
    recent = SignInCode.objects.filter(created_at__gte=now - timedelta(hours=1))
    if (
        recent.filter(email=email, requester=requester).count()
        >= CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR
    ):
        raise SignInError(
            _(
                "Too many codes were requested for this address. Wait an hour, or use the "
                "last code you received."
            )
        )
    if recent.filter(requester=requester).count() >= CODES_PER_REQUESTER_PER_HOUR:
        raise SignInError(
            _("Too many sign-in requests from your connection. Try again in an hour.")
        )
    if recent.filter(email=email).count() >= CODES_PER_EMAIL_PER_HOUR:
        # Nothing is sent, and nothing already sent is touched.
        raise SignInError(
            _(
                "Many codes were sent to this address in the last hour, so no new one is "
                "sent for now. Open the link in one of those emails, or try again in an hour."
            )
        )

    code = f"{secrets.randbelow(1_000_000):06d}"
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SignInCode.objects.create(
            email=email,
            code_hash=_code_hash(email, code),
            token_hash=_digest(f"token:{token}"),
            requester=requester,
            browser=browser,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        # This browser's codes beyond its last three retire; other browsers' stay.
        retired = (
            SignInCode.objects.live(now)
            .filter(email=email, browser=browser)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[LIVE_CODES_PER_BROWSER:]
        )
        SignInCode.objects.filter(pk__in=list(retired)).update(used_at=now)
        user = User.objects.filter(email=email).only("language").first()
        email_send(
            to=email,
            template="emails/accounts/sign_in",
            context={"minutes": int(CODE_LIFETIME.total_seconds() // 60)},
            # Kept only until the email is delivered: the stored copy, the admin and the
            # person's data download show them hidden.
            secrets={
                "code": code,
                "link": base_url + reverse("accounts:sign_in_link", args=[token]),
            },
            secrets_expire_at=now + CODE_LIFETIME,
            reason=_(
                "You receive this email because someone asked to sign in with this "
                "address. If it was not you, ignore it: nothing will happen."
            ),
            language=user.language if user else language,
        )


def _account_for(email: str, language: str) -> User:
    user, _created = User.objects.get_or_create(
        email=email,
        defaults={
            "language": language,
            "email_confirmed_at": timezone.now(),
            # No password: codes by email only, until the person adds one. (An empty
            # field would count as a password, and the account page would say so.)
            "password": make_password(None),
        },
    )
    if not user.is_active:
        raise SignInError(_("This account is disabled. Contact the platform's team."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    # The address is proven theirs: what they did as a guest with it becomes theirs.
    for attach in address_confirmed_calls():
        attach(user)
    return user


def _wrong_codes_left(*, email: str, browser: str, requester: str, now: datetime) -> int:
    """How many more wrong codes this browser, on this connection, may type for `email`:
    the least of what its three limits leave."""
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    counts = SignInCodeFailure.objects.filter(email=email, created_at__gte=day_ago).aggregate(
        browser=Count("pk", filter=Q(browser=browser, created_at__gte=hour_ago)),
        requester=Count("pk", filter=Q(requester=requester)),
        email=Count("pk"),
    )
    return min(
        WRONG_CODES_PER_BROWSER_PER_HOUR - counts["browser"],
        WRONG_CODES_PER_REQUESTER_PER_DAY - counts["requester"],
        WRONG_CODES_PER_EMAIL_PER_DAY - counts["email"],
    )


def sign_in_code_verify(
    *, email: str, code: str, browser: str, requester: str, language: str
) -> User:
    """Check a code typed by the person in `browser`; returns their (possibly new) account.

    Only the codes this browser asked for are compared, and a wrong one counts against
    this browser and connection (and, far higher, the address): someone else's wrong
    codes never spoil the owner's.
    """
    email = normalise_email(email)
    now = timezone.now()
    too_many = _(
        "Too many wrong codes were typed. Sign in with the link in the email, or try again later."
    )
    refusal = ""
    with transaction.atomic():
        # The address's live codes are locked: its checks run one at a time, so guesses
        # sent together cannot all slip under the limits.
        live = list(SignInCode.objects.live(now).select_for_update().filter(email=email))
        mine = [candidate for candidate in live if candidate.browser == browser]
        left = _wrong_codes_left(email=email, browser=browser, requester=requester, now=now)
        typed = _code_hash(email, code)
        if left <= 0:
            refusal = too_many
        elif not mine:
            # Nothing to guess against: not counted.
            refusal = _("This code has expired or was already used. Ask for a new code.")
        elif any(hmac.compare_digest(candidate.code_hash, typed) for candidate in mine):
            # The browser is signed in: its other codes are of no more use.
            SignInCode.objects.filter(pk__in=[c.pk for c in mine]).update(used_at=now)
            return _account_for(email, language)
        else:
            # Counted in this transaction, which commits: the refusal is raised after it.
            SignInCodeFailure.objects.create(
                email=email, browser=browser, requester=requester, created_at=now
            )
            left -= 1
            if left <= 0:
                refusal = too_many
            else:
                refusal = ngettext(
                    "This code is not right. Check the last email you received "
                    "(%(left)d try left).",
                    "This code is not right. Check the last email you received "
                    "(%(left)d tries left).",
                    left,
                ) % {"left": left}
    raise SignInError(refusal)


@transaction.atomic
def sign_in_link_verify(*, token: str, language: str) -> User:
    """Check a magic link; returns the account of the address it was sent to.

    Wrong codes never close the link: its token cannot be guessed, and following it
    proves the mailbox is at hand, whoever asked for the email and wherever it is opened.
    """
    current = (
        SignInCode.objects.select_for_update().filter(token_hash=_digest(f"token:{token}")).first()
    )
    if current is None or current.used_at is not None or current.is_expired:
        raise SignInError(
            _("This sign-in link has expired or was already used. Ask for a new code.")
        )
    current.used_at = timezone.now()
    current.save(update_fields=["used_at"])
    return _account_for(current.email, language)


PASSWORD_FAILURES_PER_EMAIL = 5
PASSWORD_FAILURES_PER_REQUESTER = 20
PASSWORD_FAILURE_WINDOW = timedelta(minutes=15)


def sign_in_password(*, email: str, password: str, requester: str) -> User:
    """Check an optional password, with the same lockout spirit as codes."""
    email = normalise_email(email)
    now = timezone.now()
    since = now - PASSWORD_FAILURE_WINDOW
    if (
        PasswordFailure.objects.filter(email=email, created_at__gte=since).count()
        >= PASSWORD_FAILURES_PER_EMAIL
        or PasswordFailure.objects.filter(requester=requester, created_at__gte=since).count()
        >= PASSWORD_FAILURES_PER_REQUESTER
    ):
        raise SignInError(
            _("Too many wrong passwords. Wait 15 minutes, or sign in with a code sent by email.")
        )
    user = authenticate(username=email, password=password)
    if not isinstance(user, User):
        PasswordFailure.objects.create(email=email, requester=requester)
        raise SignInError(
            _("Wrong email address or password. No password? Sign in with a code sent by email.")
        )
    return user


SIGN_IN_CODE_RETENTION = timedelta(days=1)
PASSWORD_FAILURE_RETENTION = timedelta(days=1)


def sign_in_codes_purge() -> int:
    """Forget sign-in requests and wrong codes after a day (`tissage purge`): personal
    data no longer needed once their codes expired and the hourly limits moved on."""
    before = timezone.now() - SIGN_IN_CODE_RETENTION
    codes, _per_model = SignInCode.objects.filter(created_at__lt=before).delete()
    failures, _per_model = SignInCodeFailure.objects.filter(created_at__lt=before).delete()
    return codes + failures


def password_failures_purge() -> int:
    """Forget wrong-password records after a day (`tissage purge`)."""
    removed, _per_model = PasswordFailure.objects.filter(
        created_at__lt=timezone.now() - PASSWORD_FAILURE_RETENTION
    ).delete()
    return removed


def account_data(*, user: User) -> dict[str, object]:
    """Everything the platform holds about a person, as plain data."""
    return {
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "home_commune": (
                {"insee_code": user.home_commune.insee_code, "name": user.home_commune.name}
                if user.home_commune
                else None
            ),
            "language": user.language,
            "email_confirmed_at": user.email_confirmed_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "has_password": user.has_usable_password(),
        },
        # What each app holds (core.registry: the apps' `personal_data` modules).
        **{
            key: value
            for collect in personal_data_calls("collect")
            for key, value in collect(user).items()
        },
        "emails_sent_to_you": list(
            OutgoingEmail.objects.filter(to=user.email).values("subject", "created_at", "status")
        ),
    }


def account_export(*, user: User) -> Iterator[bytes]:
    """A ZIP archive with `data.json` and every file the person uploaded, in chunks as it
    is made. What the platform holds is read now (in the request's language); each file
    only when the archive reaches it, a chunk at a time."""
    data = json.dumps(account_data(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    readme = _(
        "Your data on %(platform)s, exported on %(date)s.\n"
        "data.json holds everything the platform keeps about you; "
        "files/ holds the files you uploaded.\n"
    ) % {"platform": settings.PLATFORM_NAME, "date": timezone.now().date().isoformat()}
    members = [Member("data.json", data.encode()), Member(_("README.txt"), readme.encode())]
    return zip_stream(itertools.chain(members, _file_members(_uploaded_files(user))))


def _file_members(files: list[FieldFile]) -> Iterator[Member]:
    for file_field in files:
        try:
            handle = file_field.open("rb")
        except OSError:
            continue  # A file lost from the media folder is left out: the rest still goes.
        yield Member(f"files/{export_name(file_field)}", file_chunks(handle))


def _uploaded_files(user: User) -> list[FieldFile]:
    # Each app that stores files uploaded by people lists them in its personal_data.
    return [file for files in personal_data_calls("files") for file in files(user)]


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a person. What they published stays, shown without their name."""
    SignInCode.objects.filter(email=user.email).delete()
    SignInCodeFailure.objects.filter(email=user.email).delete()
    OutgoingEmail.objects.filter(to=user.email).delete()
    # Each app blanks what keeps a name or an address of its own (registrations; messages
    # and wiki revisions keep their text, signed "a former member"), while the link to
    # the account still says which rows are the person's.
    for forget in personal_data_calls("forget"):
        forget(user)
    user.delete()
