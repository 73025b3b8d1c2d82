"""Issue #17, §2: limits hold across processes. Two real `tissage serve` processes share
the test database (and Redis when asked); a browser alternates between them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import redis
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from prometheus_client.parser import text_string_to_metric_families

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


def test_metrics_add_up_the_workers_of_a_server(tmp_path):
    """Under gunicorn's several workers, a scrape counts every worker's requests, whichever
    worker answers it."""
    env = server_env(tmp_path, TISSAGE_METRICS_TOKEN="scrape-token")
    with running_servers(1, env, tmp_path, workers=3) as (server,):
        browser = Browser()
        for _ in range(30):
            assert browser.request(server.base + "/healthz/").status == 200
        counts = set()
        for _ in range(6):
            answer = browser.request(
                server.base + "/metrics", headers={"Authorization": "Bearer scrape-token"}
            )
            assert answer.status == 200
            for family in text_string_to_metric_families(answer.text):
                for sample in family.samples:
                    if (
                        sample.name == "tissage_http_request_duration_seconds_count"
                        and sample.labels["route"] == "/healthz/"
                    ):
                        counts.add(sample.value)
    # wait_ready's own /healthz/ calls count too: at least the 30, the same in every scrape.
    assert len(counts) == 1
    assert counts.pop() >= 30
    assert len(list((tmp_path).glob("*.db"))) == 0  # the workers' files are not in the data


def test_a_task_logs_in_the_worker_under_the_id_of_the_request_that_queued_it(tmp_path):
    """A sign-in code request through a trusted proxy with its X-Request-ID queues the
    email; `tissage worker` then sends it and every line it writes for it carries that id."""
    env = server_env(tmp_path, TISSAGE_BEHIND_PROXY="1")
    request_id = "proxy-given-0123456789"
    with running_servers(1, env, tmp_path) as (server,):
        browser = Browser()
        headers = {"X-Request-ID": request_id, "X-Forwarded-For": "192.0.2.10"}
        answer = browser.request(server.base + reverse("accounts:sign_in"), headers=headers)
        assert answer.headers["X-Request-ID"] == request_id
        answer = browser.request(
            server.base + reverse("accounts:sign_in"), {"email": "lea@example.org"}, headers
        )
        assert answer.status == 302
        assert answer.headers["X-Request-ID"] == request_id
    worker = subprocess.run(
        [sys.executable, "-m", "tissage.cli", "worker", "--batch", "--no-startup-delay"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [json.loads(line) for line in worker.stderr.splitlines() if line.startswith("{")]
    tasks = [line for line in lines if line["logger"] == "tissage.task"]
    assert tasks, worker.stderr
    assert {line["request_id"] for line in tasks} == {request_id}
    assert {line["status"] for line in tasks} == {"SUCCESSFUL"}
    assert all(line["duration_ms"] >= 0 and line["task_id"] for line in tasks)
    assert "lea@example.org" not in worker.stderr
    request_lines = [
        json.loads(line)
        for line in server.output().splitlines()
        if line.startswith("{") and '"tissage.request"' in line
    ]
    assert {line["request_id"] for line in request_lines} >= {request_id}
    assert "lea@example.org" not in server.output() and "192.0.2.10" not in server.output()
