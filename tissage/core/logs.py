"""Structured logs: a request id on every line, one line per request and one per task.

- `RequestLogMiddleware` (outermost) takes the request id from `X-Request-ID` when a
  trusted proxy stands in front (`settings.PROXY_COUNT`) and the value looks sane, else
  makes one (uuid4 hex); it is echoed in the response's `X-Request-ID`, kept in a
  context variable that `RequestIdFilter` adds to every log line, and the middleware
  writes one line per request: method, route (the URL pattern, never the path, which may
  hold a token), status, duration, user id. No email, no IP address, no query string.
- A task queued during a request runs in the worker under the same id: `task_enqueued`
  keeps it in a row beside the task's (`TaskRequest`, one INSERT: the database cache took
  five queries, one a count of its whole table), `task_started` takes it back in the
  worker, `task_finished` writes one line per task (name, id, status, duration) and
  removes the row. A task run at once, inside the request (the immediate backend), needs
  no row.

`JsonFormatter` writes each record as one JSON object (`TISSAGE_LOG_FORMAT=json`).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us as an id: letters, digits, dashes and the like, not too long.
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# How long a queued task's request id is kept for the worker to take.
TASK_REQUEST_ID_KEPT = timedelta(days=7)

request_logger = logging.getLogger("tissage.request")
task_logger = logging.getLogger("tissage.task")

# The attributes every LogRecord has: anything else was passed with `extra=` and belongs
# in the JSON line.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (empty outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or None,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def request_id_from(request: HttpRequest) -> str:
    """The proxy's id when one stands in front and it looks sane, else a new one."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    if settings.PROXY_COUNT and _SANE_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


def _route(request: HttpRequest) -> str:
    """The URL pattern that answered ("actions/<slug:slug>/"), never the path itself."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return "/" + match.route if match.route else "/"


def _user_id(request: HttpRequest) -> int | None:
    # Only if the page already looked at who is signed in: no query added for the log, and
    # none while the database is down.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """Outermost middleware: request id, one log line and the latency metric per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from tissage.core import metrics

        request_id = request_id_from(request)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            route = _route(request)
            response.headers[REQUEST_ID_HEADER] = request_id
            metrics.request_observe(
                route=route,
                method=request.method or "",
                status=response.status_code,
                seconds=duration,
            )
            # This line says every answer's status: Django need not log a 4xx or 5xx
            # answer again after the middleware, where the request id is no longer known.
            # (An exception's traceback is still logged, inside, with the id.)
            response._has_been_logged = True  # type: ignore[attr-defined]
            request_logger.log(
                logging.ERROR if response.status_code >= 500 else logging.INFO,
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


# Tasks -----------------------------------------------------------------------------------


def task_enqueued_remember(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Keep the current request's id for the worker that will run this task."""
    from django.tasks.backends.immediate import ImmediateBackend

    from tissage.core.models import TaskRequest

    request_id = request_id_var.get()
    if request_id and not (isinstance(sender, type) and issubclass(sender, ImmediateBackend)):
        TaskRequest.objects.create(task_id=str(task_result.id), request_id=request_id)


def task_requests_purge() -> int:
    """Forget the request ids of tasks that never ran (`tissage purge`)."""
    from tissage.core.models import TaskRequest

    removed, _per_model = TaskRequest.objects.filter(
        created_at__lt=timezone.now() - TASK_REQUEST_ID_KEPT
    ).delete()
    return removed


_task_started_at: contextvars.ContextVar[float] = contextvars.ContextVar("task_started_at")
_task_token: contextvars.ContextVar[contextvars.Token[str] | None] = contextvars.ContextVar(
    "task_token", default=None
)


def task_started_take(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In the worker: run under the id of the request that queued the task."""
    _task_started_at.set(time.perf_counter())
    if request_id_var.get():
        return  # the immediate backend runs the task inside the request itself
    from tissage.core.models import TaskRequest

    request_id = (
        TaskRequest.objects.filter(task_id=str(task_result.id))
        .values_list("request_id", flat=True)
        .first()
    )
    _task_token.set(request_id_var.set(request_id or f"task-{task_result.id}"))


def task_finished_log(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """One line per task run: name, id, status, duration, under its request's id."""
    started = _task_started_at.get(None)
    status = str(getattr(task_result.status, "value", task_result.status))
    task_logger.log(
        logging.ERROR if status == "FAILED" else logging.INFO,
        "task %s %s",
        task_result.task.module_path,
        status,
        extra={
            "task": task_result.task.module_path,
            "task_id": str(task_result.id),
            "status": status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        },
    )
    from tissage.core.models import TaskRequest

    token = _task_token.get()
    if token is not None:
        request_id_var.reset(token)
        _task_token.set(None)
        # Purged after a week anyway: a database that fails here must not fail the task.
        with contextlib.suppress(DatabaseError):
            TaskRequest.objects.filter(task_id=str(task_result.id)).delete()
