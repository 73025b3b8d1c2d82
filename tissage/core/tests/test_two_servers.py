"""Issue #17, §2: limits hold across processes. Two real `tissage serve` processes share
the test database (and Redis when asked); a browser alternates between them."""

from __future__ import annotations

import os

import pytest
import redis
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tissage.accounts.models import SignInCode
from tissage.accounts.services import CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR
from tissage.actions.models import Registration
from tissage.actions.tests.helpers import make_action

from .servers import Browser, running_servers, server_env

pytestmark = pytest.mark.django_db(transaction=True)

# Redis DB 2 is this part's own on the shared machine: only it is ever flushed.
REDIS_TEST_URL = os.environ.get("TISSAGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def redis_url() -> str:
    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        raise AssertionError(
            f"These tests need a Redis server at {REDIS_TEST_URL} (TISSAGE_TEST_REDIS_URL): {error}"
        ) from None
    client.flushdb()
    return REDIS_TEST_URL


def test_sign_in_code_limits_hold_across_two_servers(tmp_path):
    env = server_env(tmp_path)
    with running_servers(2, env, tmp_path) as servers:
        browser = Browser()
        statuses = []
        for attempt in range(CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR + 2):
            server = servers[attempt % 2]
            browser.request(server.base + reverse("accounts:sign_in"))
            answer = browser.request(
                server.base + reverse("accounts:sign_in"), {"email": "lea@example.org"}
            )
            statuses.append(answer.status)
    # Each accepted request redirects to the code page; the ones over the limit come back
    # with the form and its message (200), on whichever server they land.
    assert statuses == [302] * CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR + [200, 200]
    assert SignInCode.objects.count() == CODES_PER_EMAIL_AND_REQUESTER_PER_HOUR


@pytest.mark.parametrize("shared", ["database", "redis"])
def test_form_rate_limit_holds_across_two_servers(tmp_path, shared):
    action = make_action(places=50)
    role = action.roles.get(name="Planter")
    extra = {"TISSAGE_FORM_RATE_LIMIT": "3"}
    if shared == "redis":
        extra["REDIS_URL"] = redis_url()
    else:
        from django.core.cache import caches

        caches["shared"].clear()  # counts of an earlier test in the same hour
    env = server_env(tmp_path, **extra)
    with translation.override("fr"):  # the pages are in French
        heading = gettext("Too many forms sent")
    path = reverse("actions:detail", kwargs={"slug": action.slug})
    with running_servers(2, env, tmp_path) as servers:
        browser = Browser()
        statuses = []
        for number in range(5):
            server = servers[number % 2]
            browser.request(server.base + path)
            answer = browser.request(
                server.base + path,
                {
                    "name": f"Personne {number}",
                    "email": f"personne{number}@example.org",
                    "role": str(role.pk),
                    "companions": "0",
                },
            )
            statuses.append(answer.status)
            if answer.status == 429:
                assert escape(heading) in answer.text
    assert statuses == [302, 302, 302, 429, 429]
    assert Registration.objects.count() == 3
