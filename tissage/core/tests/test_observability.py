"""Issue #17, §4 and §6: request ids and JSON logs, /metrics, /readyz/, the 503 page."""

from __future__ import annotations

import datetime
import json
import logging
import os
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from prometheus_client.parser import text_string_to_metric_families

from tissage.core import logs
from tissage.core.models import FormCount, OutgoingEmail, TaskRequest
from tissage.core.ratelimit import form_counts_purge, form_hit, rate_hit

pytestmark = pytest.mark.django_db


def json_lines(caplog: pytest.LogCaptureFixture, logger: str) -> list[dict]:
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == logger]


# Request ids and logs ------------------------------------------------------------------


def test_each_request_gets_an_id_echoed_and_one_json_line(client, caplog, settings):
    settings.PROXY_COUNT = 0
    caplog.set_level(logging.INFO, logger="tissage.request")
    response = client.get(
        "/actions/annuler/secret-token-123/?email=lea@example.org",
        HTTP_X_REQUEST_ID="chosen-by-the-client-0001",
    )
    request_id = response.headers["X-Request-ID"]
    # No proxy stands in front: the client's own id is not believed.
    assert request_id != "chosen-by-the-client-0001"
    assert len(request_id) == 32
    (line,) = json_lines(caplog, "tissage.request")
    assert line["request_id"] == request_id
    assert line["method"] == "GET"
    assert line["route"] == "/actions/annuler/<str:token>/"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] is None
    text = json.dumps(line)
    assert "secret-token-123" not in text
    assert "example.org" not in text
    assert "127.0.0.1" not in text


def test_a_trusted_proxy_s_request_id_is_kept_when_it_looks_sane(client, settings):
    settings.PROXY_COUNT = 1
    kept = client.get("/healthz/", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert kept.headers["X-Request-ID"] == "abcdef0123456789"
    odd = client.get("/healthz/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")
    assert odd.headers["X-Request-ID"] != "<script>alert(1)</script>"
    assert len(odd.headers["X-Request-ID"]) == 32


def test_the_signed_in_person_is_logged_by_id_only(client, caplog):
    from tissage.core.tests.factories import UserFactory

    person = UserFactory(email="paul@example.org")
    client.force_login(person)
    caplog.set_level(logging.INFO, logger="tissage.request")
    client.get(reverse("accounts:account"))
    (line,) = json_lines(caplog, "tissage.request")
    assert line["user_id"] == person.pk
    assert "paul@example.org" not in json.dumps(line)


def test_a_task_runs_under_the_id_of_the_request_that_queued_it(caplog):
    """The worker's side: the id kept at enqueue time is taken back when the task starts,
    every line it writes carries it, and one line per task says how it went."""

    class Task:
        module_path = "tissage.core.emails.email_send"

    class Result:
        id = "3f1c0e2a-task"
        task = Task()
        status = "SUCCESSFUL"

    token = logs.request_id_var.set("req-0123456789")
    logs.task_enqueued_remember(DatabaseBackend, task_result=Result())
    assert TaskRequest.objects.get().request_id == "req-0123456789"
    logs.request_id_var.reset(token)
    assert logs.request_id_var.get() == ""  # as in the worker, outside any request

    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(logs.RequestIdFilter())
    logs.task_started_take(None, task_result=Result())
    logging.getLogger("tissage.core.emails").info("sending")
    logs.task_finished_log(None, task_result=Result())

    sending = next(r for r in caplog.records if r.getMessage() == "sending")
    assert sending.request_id == "req-0123456789"
    (line,) = json_lines(caplog, "tissage.task")
    assert line["request_id"] == "req-0123456789"
    assert (line["task"], line["task_id"], line["status"]) == (
        "tissage.core.emails.email_send",
        "3f1c0e2a-task",
        "SUCCESSFUL",
    )
    assert line["duration_ms"] >= 0
    assert logs.request_id_var.get() == ""  # and nothing left for the next task
    assert not TaskRequest.objects.exists()  # the row went with the task


# Metrics ------------------------------------------------------------------------------


def test_metrics_do_not_exist_unless_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    settings.METRICS_ALLOW = []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret-token").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_for_an_allowed_network_as_the_app_sees_the_client(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    settings.PROXY_COUNT = 0
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.2").status_code == 404
    # Without a proxy, a forwarded address is the client's own words.
    refused = client.get("/metrics", REMOTE_ADDR="192.168.1.2", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert refused.status_code == 404
    settings.PROXY_COUNT = 1
    proxied = client.get("/metrics", REMOTE_ADDR="192.168.1.2", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert proxied.status_code == 200


def test_metrics_parse_and_count_requests_tasks_and_emails(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    OutgoingEmail.objects.create(to="a@example.org", subject="s", body_text="b")
    OutgoingEmail.objects.create(
        to="b@example.org", subject="s", body_text="b", status=OutgoingEmail.Status.FAILED
    )
    client.get("/healthz/")
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    families = {f.name: f for f in text_string_to_metric_families(response.content.decode())}
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families.values()
        for s in family.samples
    }
    assert samples[("tissage_emails", (("status", "queued"),))] == 1
    assert samples[("tissage_emails", (("status", "failed"),))] == 1
    assert samples[("tissage_tasks", (("status", "failed"),))] == 0
    healthz = (("method", "GET"), ("route", "/healthz/"), ("status", "2xx"))
    assert samples[("tissage_http_request_duration_seconds_count", healthz)] >= 1
    assert "tissage_http_request_duration_seconds" in families


def test_a_missing_metrics_folder_loses_the_measure_not_the_answer(tmp_path):
    """Under `tissage serve`, each worker writes its latencies in PROMETHEUS_MULTIPROC_DIR
    (under /tmp): a cleaner that removes that folder made every request of a new worker
    fail. The answer is given, and the loss said once per process. In a process of its
    own, since prometheus_client chooses its multiprocess mode at import."""
    gone = tmp_path / "metrics-gone"
    script = (
        "import django\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='localhost')\n"
        "print([client.get('/healthz/').status_code for _ in range(3)])\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tissage.settings",
        "PROMETHEUS_MULTIPROC_DIR": str(gone),
        "SECRET_KEY": "test",
        "DEBUG": "1",
        "TISSAGE_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 -- this interpreter, a fixed script
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[200, 200, 200]"
    assert result.stderr.count("Request latency not recorded") == 1, result.stderr


def test_the_metrics_without_their_folder_still_give_the_database_gauges(
    client, settings, monkeypatch, tmp_path, caplog
):
    settings.METRICS_TOKEN = "s3cret-token"
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics-gone"))
    with caplog.at_level(logging.WARNING, logger="tissage.core.metrics"):
        response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    names = {f.name for f in text_string_to_metric_families(response.content.decode())}

    assert response.status_code == 200
    assert {"tissage_tasks", "tissage_emails"} <= names
    assert "tissage_http_request_duration_seconds" not in names
    assert "is not a folder" in caplog.text


# Readiness ----------------------------------------------------------------------------


def test_liveness_and_readiness_when_all_is_well(client):
    assert client.get("/healthz/").content == b"ok"
    ready = client.get("/readyz/")
    assert (ready.status_code, ready.content) == (200, b"ok")


def test_readiness_names_a_broken_cache(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        # Nothing listens on port 1.
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://:hunter2@127.0.0.1:1/0",
        },
    }
    ready = client.get("/readyz/")
    assert ready.status_code == 503
    assert ready.content == b"not ready: cache"
    assert ready.headers["Retry-After"] == "10"


def test_readiness_names_a_storage_that_cannot_be_written(client, settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.MEDIA_ROOT = blocked / "media"
    ready = client.get("/readyz/")
    assert (ready.status_code, ready.content) == (503, b"not ready: storage")


def test_readiness_names_a_database_that_does_not_answer(client, monkeypatch):
    from tissage.core import health

    def unreachable() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "READINESS_CHECKS", [("database", unreachable)])
    ready = client.get("/readyz/")
    assert (ready.status_code, ready.content) == (503, b"not ready: database")


def test_an_error_answer_is_logged_once_with_its_request_id(client, caplog, monkeypatch):
    from tissage.core import health

    def unreachable() -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "READINESS_CHECKS", [("database", unreachable)])
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(logs.RequestIdFilter())
    response = client.get("/readyz/")
    (line,) = [r for r in caplog.records if r.name in {"tissage.request", "django.request"}]
    assert (line.name, line.levelname) == ("tissage.request", "ERROR")
    assert line.request_id == response.headers["X-Request-ID"]
    (check,) = [r for r in caplog.records if r.name == "tissage.core.health"]
    assert check.request_id == response.headers["X-Request-ID"]
    assert "connection refused" not in check.getMessage()


# The database down: 503 --------------------------------------------------------------


def test_a_database_error_answers_503_in_french_without_a_traceback(client, monkeypatch):
    from tissage.core import views

    def down(request):  # type: ignore[no-untyped-def]
        raise OperationalError('connection to server at "db" failed: Connection refused')

    monkeypatch.setattr(views, "_legal_context", lambda: down(None))
    client.raise_request_exception = False
    response = client.get(reverse("core:legal"))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    page = response.content.decode()
    assert "Service momentanément indisponible" in page
    assert "cannot reach its database" in page
    assert "Traceback" not in page and "Connection refused" not in page


def test_another_error_still_answers_500(client, monkeypatch):
    from tissage.core import views

    def broken() -> dict[str, str]:
        raise ValueError("a bug")

    monkeypatch.setattr(views, "_legal_context", broken)
    client.raise_request_exception = False
    response = client.get(reverse("core:legal"))
    assert response.status_code == 500
    assert "Une erreur s’est produite" in response.content.decode()


# Form rate limits ---------------------------------------------------------------------


def test_form_hits_count_per_form_and_address_within_the_hour():
    now = 1_800_000_000.0
    for _ in range(3):
        assert form_hit(form="a", address="192.0.2.1", limit=3, now=now)
    assert not form_hit(form="a", address="192.0.2.1", limit=3, now=now)
    # Another address, another form: counted apart.
    assert form_hit(form="a", address="192.0.2.2", limit=3, now=now)
    assert form_hit(form="b", address="192.0.2.1", limit=3, now=now)
    # The hour slides: half an hour into the next one, the last one counts for half (4
    # sendings, the refused one too: 2), so one more fits, not two; an hour later no more.
    assert form_hit(form="a", address="192.0.2.1", limit=3, now=now + 3600 + 1800)
    assert not form_hit(form="a", address="192.0.2.1", limit=3, now=now + 3600 + 1800)
    assert form_hit(form="a", address="192.0.2.1", limit=3, now=now + 2 * 3600 + 3599)
    # Nor does the turn of the hour let twice the limit through.
    for _ in range(3):
        assert form_hit(form="e", address="192.0.2.9", limit=3, now=now + 3599)
    assert not form_hit(form="e", address="192.0.2.9", limit=3, now=now + 3601)
    # 0 lifts the limit.
    assert all(form_hit(form="c", address="192.0.2.1", limit=0, now=now) for _ in range(9))


@pytest.mark.parametrize("offset", [600, 3000])
def test_a_refusal_says_when_one_more_fits(offset):
    """`retry_after` is when the sliding count leaves room for one more: the same history
    (under two keys) is refused a second before it and allowed at it."""
    now = 1_800_000_000.0 - 1_800_000_000.0 % 3600 + offset
    for key in ("early", "on-time"):
        for _ in range(3):  # the hour before, which still weighs
            assert rate_hit(key=key, limit=3, now=now - 3600).allowed
        while (refusal := rate_hit(key=key, limit=3, now=now)).allowed:
            pass
        assert refusal.retry_after >= 1
    wait = refusal.retry_after
    assert not rate_hit(key="early", limit=3, now=now + wait - 1).allowed
    assert rate_hit(key="on-time", limit=3, now=now + wait).allowed


def test_form_counts_keep_no_address(settings):
    settings.REDIS_URL = "redis://counts-in-the-shared-cache"  # the cache's path
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"},
    }
    form_hit(form="a", address="198.51.100.7", limit=3)
    keys = list(caches["shared"]._cache)  # type: ignore[attr-defined]
    assert keys and not any("198.51.100.7" in key for key in keys)
    assert not FormCount.objects.exists()


def test_form_counts_in_the_table_keep_no_address_and_cost_two_queries(
    django_assert_num_queries,
):
    with django_assert_num_queries(2):
        assert form_hit(form="a", address="198.51.100.7", limit=3)
    form_hit(form="a", address="198.51.100.7", limit=3)
    (row,) = FormCount.objects.all()
    assert row.count == 2 and row.key.startswith("a:") and "198.51.100.7" not in row.key


def test_old_form_counts_are_purged():
    hour = int(time.time() // 3600)
    FormCount.objects.create(key="a:x", hour=hour - 2, count=5)
    FormCount.objects.create(key="a:x", hour=hour - 1, count=5)
    assert form_counts_purge() == 1
    assert list(FormCount.objects.values_list("hour", flat=True)) == [hour - 1]


def test_a_task_run_inside_the_request_keeps_no_request_id_and_old_ones_are_purged():
    from django.tasks.backends.immediate import ImmediateBackend

    class Result:
        id = "run-at-once"

    token = logs.request_id_var.set("req-0123456789")
    logs.task_enqueued_remember(ImmediateBackend, task_result=Result())
    logs.request_id_var.reset(token)
    assert not TaskRequest.objects.exists()

    old = TaskRequest.objects.create(task_id="never-ran", request_id="req-old")
    TaskRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    TaskRequest.objects.create(task_id="queued", request_id="req-new")
    assert logs.task_requests_purge() == 1
    assert list(TaskRequest.objects.values_list("task_id", flat=True)) == ["queued"]
