"""Prometheus metrics for the operator, at /metrics (docs/architecture.md, "Metrics").

- `tissage_http_request_duration_seconds`: a histogram of request latency by route (the
  URL pattern), method and status class, observed by `core.logs.RequestLogMiddleware`.
  Under gunicorn's several workers each process writes its own file in
  PROMETHEUS_MULTIPROC_DIR (`tissage serve` makes one) and a scrape adds them up.
- `tissage_tasks` and `tissage_emails`: gauges by status, read from the database at
  scrape time, so every process and node gives the same figures.

Who may read them: `can_read_metrics` (a Bearer token or an allowed network).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from tissage.core.clients import client_address

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

logger = logging.getLogger(__name__)
# Whether this process has said already that it cannot write its latency file.
_write_failed_said = False

REQUEST_SECONDS = Histogram(
    "tissage_http_request_duration_seconds",
    "Time to answer a request, by route, method and status class.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


def request_observe(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count the request in the latency histogram. A measure lost, never an answer lost:
    when the workers' folder (PROMETHEUS_MULTIPROC_DIR, under /tmp by default) is gone or
    full, say so once per process and answer as usual."""
    global _write_failed_said
    try:
        REQUEST_SECONDS.labels(route=route, method=method, status=f"{status // 100}xx").observe(
            seconds
        )
    except OSError as error:
        if not _write_failed_said:
            _write_failed_said = True
            logger.warning("Request latency not recorded (%s): %s", MULTIPROCESS_ENV, error)


class DatabaseCollector(Collector):
    """Tasks and emails by status, counted in the database at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django_tasks_db.models import DBTaskResult

        from tissage.core.models import OutgoingEmail

        tasks = GaugeMetricFamily(
            "tissage_tasks", "Background tasks in the database, by status.", labels=["status"]
        )
        counts = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("pk")))
        for status in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
            tasks.add_metric([status.lower()], counts.get(status, 0))
        yield tasks
        emails = GaugeMetricFamily(
            "tissage_emails",
            "Emails kept in the database, by status (sent ones are purged after a while).",
            labels=["status"],
        )
        counts = dict(OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")))
        for status in OutgoingEmail.Status:
            emails.add_metric([status.value], counts.get(status.value, 0))
        yield emails
        failing = GaugeMetricFamily(
            "tissage_emails_retrying",
            "Queued emails that failed at least once and will be tried again.",
        )
        failing.add_metric(
            [],
            OutgoingEmail.objects.filter(
                status=OutgoingEmail.Status.QUEUED, attempts__gt=0
            ).count(),
        )
        yield failing


def metrics_text() -> tuple[bytes, str]:
    """The exposition text of every metric, and its content type."""
    database = CollectorRegistry()
    database.register(DatabaseCollector())
    if folder := os.environ.get(MULTIPROCESS_ENV):
        # Every gunicorn worker's file, added up; none when the folder is gone (the
        # database's gauges are still given).
        processes = CollectorRegistry()
        if os.path.isdir(folder):
            MultiProcessCollector(processes)
        else:
            logger.warning(
                "No request latency to give: %s %s is not a folder", MULTIPROCESS_ENV, folder
            )
        text = generate_latest(processes)
    else:
        text = generate_latest(REGISTRY)
    return text + generate_latest(database), CONTENT_TYPE_LATEST


def can_read_metrics(request: HttpRequest) -> bool:
    """The token, compared in constant time, or the client's address in an allowed network."""
    if settings.METRICS_TOKEN:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), settings.METRICS_TOKEN.encode()
        ):
            return True
    if settings.METRICS_ALLOW:
        try:
            address = ipaddress.ip_address(client_address(request))
        except ValueError:
            return False
        return any(
            address in ipaddress.ip_network(network, strict=False)
            for network in settings.METRICS_ALLOW
        )
    return False


def metrics_enabled() -> bool:
    return bool(settings.METRICS_TOKEN or settings.METRICS_ALLOW)
