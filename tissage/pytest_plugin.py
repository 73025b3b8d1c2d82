"""Test environment, loaded as a pytest plugin (-p) so it runs before Django reads settings."""

import os
import re
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("TISSAGE_HTTPS", "0")
# Every email links back to the site (required to run, core/checks.py): the test client's.
os.environ.setdefault("TISSAGE_SITE_URL", "http://testserver")
os.environ["EMAIL_URL"] = "memory:"
# The suite runs on the default caches (the shared one in the test database): each test
# empties the cache, which on Redis would flush a whole database someone else may use.
# Tests of Redis itself name their own (TISSAGE_TEST_REDIS_URL, core/tests/test_two_servers.py).
os.environ.pop("REDIS_URL", None)
os.environ["TISSAGE_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
os.environ.setdefault("TISSAGE_DATA_DIR", tempfile.mkdtemp(prefix="tissage-tests-"))
os.makedirs(os.path.join(os.environ["TISSAGE_DATA_DIR"], "static"), exist_ok=True)
# Hypothesis (the API's fuzzing) keeps its caches with the tests' data, not in the checkout.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(os.environ["TISSAGE_DATA_DIR"], "hypothesis")
)
# Tasks run at once, inside the test, so emails land in mail.outbox.
os.environ.setdefault("TISSAGE_TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")

import pytest  # noqa: E402 - the environment above must be set before anything imports Django


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    # Production hashing takes ~0.5 s per password by design; tests need not wait.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _empty_dns(name: str) -> list[bytes]:
    return []


@pytest.fixture(autouse=True)
def _no_network_dns(settings):  # type: ignore[no-untyped-def]
    # The lists' sender check asks DNS for DKIM keys and DMARC records: no test reaches
    # the network, every name has no record unless a test serves its own zone
    # (collectives/tests/lists/mail/dnszone.py).
    settings.LIST_DNS_RESOLVER = _empty_dns


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    # Cached values (commune outlines, a campaign's progress map) are keyed by ids, which
    # repeat between tests: each test starts and ends with an empty cache, whatever ran
    # before it in its process (the order differs from run to run under pytest-xdist).
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def smtp_server(settings):  # type: ignore[no-untyped-def]
    """A real SMTP server in the test process; Django's mailer points at it."""
    from tissage.core.tests.smtp import running_smtp

    with running_smtp(settings) as inbox:
        yield inbox


@pytest.fixture(scope="session")
def s3_server():  # type: ignore[no-untyped-def]
    """A real S3 API server (moto_server, its own process) for this test worker."""
    from tissage.core.tests.s3 import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_media(settings, s3_server):  # type: ignore[no-untyped-def]
    """Files go to a fresh bucket of the S3 server for this test (public-read policy on
    public files; private files served by signed redirects): an `S3Media`."""
    from tissage.core.tests.s3 import S3Media, bucket_create, use_s3

    bucket = bucket_create(s3_server)
    use_s3(settings, s3_server, bucket)
    return S3Media(endpoint=s3_server, bucket=bucket)


_HREF = re.compile(r"""\b(?:href|src)\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)
# A site path written in text without the site's address ("/collectifs/…").
_RELATIVE_IN_TEXT = re.compile(r"(?:^|[\s(<:])(/[\w-]+/[^\s]*)", re.MULTILINE)
_HEADER_URL = re.compile(r"<([^<>]*)>")


def email_link_problems(to: str, body_text: str, body_html: str, headers: dict) -> list[str]:
    """Links of an email that lead nowhere from a mailbox: a relative href or src, a site
    path in the text, a List-* header that is not an absolute URI (RFC 2369)."""
    problems = [
        f"relative link {url!r} in the HTML to {to}"
        for url in _HREF.findall(body_html)
        if not re.match(r"(?:https?|mailto):", url)
    ]
    problems += [
        f"relative link {path!r} in the text to {to}"
        for path in _RELATIVE_IN_TEXT.findall(body_text)
    ]
    for name, value in headers.items():
        if name.lower() in {"list-archive", "list-unsubscribe", "list-post", "list-help"}:
            problems += [
                f"{name} is not absolute: {value!r}"
                for uri in _HEADER_URL.findall(value)
                if not re.match(r"(?:https?|mailto):", uri)
            ]
    return problems


@pytest.fixture(autouse=True)
def _every_email_links_absolutely():  # type: ignore[no-untyped-def]
    """Issue #12, item 3: every link and list header of every email the platform sends is
    absolute. Checked on every email that any test makes (each is sent through its sender
    somewhere in the suite), so a new email or link is checked without a test of its own."""
    from django.db.models.signals import post_save

    from tissage.core.models import OutgoingEmail

    problems: list[str] = []

    def check(sender, instance, created, **kwargs):  # type: ignore[no-untyped-def]
        if created:
            # The message as sent: with its secrets (a sign-in link), not the stored copy's
            # placeholders.
            sent = instance.unredacted or {}
            problems.extend(
                email_link_problems(
                    instance.to,
                    sent.get("body_text", instance.body_text),
                    sent.get("body_html", instance.body_html),
                    instance.headers or {},
                )
            )

    post_save.connect(check, sender=OutgoingEmail, weak=False)
    try:
        yield
    finally:
        post_save.disconnect(check, sender=OutgoingEmail)
    assert not problems, "\n".join(problems)
