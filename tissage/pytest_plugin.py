"""Test environment, loaded as a pytest plugin (-p) so it runs before Django reads settings."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")
os.environ.setdefault("TISSAGE_HTTPS", "0")
os.environ["EMAIL_URL"] = "memory:"
os.environ["TISSAGE_STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
os.environ.setdefault("TISSAGE_DATA_DIR", tempfile.mkdtemp(prefix="tissage-tests-"))
os.makedirs(os.path.join(os.environ["TISSAGE_DATA_DIR"], "static"), exist_ok=True)
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
