"""Issue #17, §6: with SENTRY_DSN, an error in a view sends one report, without personal
data. A real HTTP server on 127.0.0.1 stands in for Sentry; the app runs in a process of
its own, as Sentry is set up once per process from the environment (settings.py)."""

from __future__ import annotations

import gzip
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .servers import server_env


def _decoded(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    if encoding == "br":
        import brotli  # type: ignore[import-not-found]  # only if sentry-sdk chose it

        return bytes(brotli.decompress(body))
    return body


@pytest.fixture
def sentry_endpoint() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append(_decoded(body, self.headers.get("Content-Encoding", "")))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_address[1]}/42", received
    finally:
        server.shutdown()
        server.server_close()


APP = textwrap.dedent(
    """
    import django
    django.setup()
    import sentry_sdk
    from django.test import Client
    from django.urls import path
    import tissage.urls

    def broken(request, token):
        raise RuntimeError("broken on purpose")

    tissage.urls.urlpatterns.insert(0, path("en-panne/<str:token>/", broken))
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "cookie-value-secret"
    answer = client.post(
        "/en-panne/token-secret-123/?email=lea@example.org",
        {"email": "lea@example.org", "name": "Léa"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
    )
    sentry_sdk.flush(10)
    print(answer.status_code)
    """
)


def test_an_error_in_a_view_sends_one_report_without_personal_data(sentry_endpoint, tmp_path):
    dsn, received = sentry_endpoint
    env = server_env(
        tmp_path,
        SENTRY_DSN=dsn,
        SENTRY_ENVIRONMENT="recette",
        SENTRY_RELEASE="tissage@1.2.3",
        ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tissage.settings",
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", APP], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "500", result.stderr
    events = [body for body in received if b'"exception"' in body]
    assert len(events) == 1, received
    (event,) = events
    assert b"broken on purpose" in event
    assert b'"environment":"recette"' in event.replace(b" ", b"")
    assert b"tissage@1.2.3" in event
    for secret in (b"lea@example.org", b"cookie-value-secret", b"token-secret-123", b"203.0.113"):
        assert secret not in event


def test_without_sentry_dsn_nothing_is_started():
    import sentry_sdk

    assert not sentry_sdk.is_initialized()
