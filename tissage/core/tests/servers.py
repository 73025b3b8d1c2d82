"""Real `tissage serve` processes for tests of what several processes share, and a small
browser (cookies, CSRF token) to talk to them. Only 127.0.0.1, never the network."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection

START_SECONDS = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(settings_dict: dict[str, Any] | None = None) -> str:
    """DATABASE_URL of the test database, for processes that must share it."""
    db = settings_dict or connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TISSAGE_", "DATABASE_URL", "REDIS_URL", "PYTEST", "DJANGO"))
    }
    env.update(
        {
            "SECRET_KEY": "two-servers-test-key",
            "TISSAGE_DATA_DIR": str(data_dir),
            "DATABASE_URL": database_url(),
            "TISSAGE_HTTPS": "0",
            "TISSAGE_BEHIND_PROXY": "0",
            "EMAIL_URL": "memory:",
            "TISSAGE_SITE_URL": "http://127.0.0.1",
            "TISSAGE_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "TISSAGE_LOG_FORMAT": "json",
        }
    )
    env.update(extra)
    return env


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def running_servers(
    count: int, env: dict[str, str], log_dir: Path, *, workers: int = 1
) -> Iterator[list[Server]]:
    """`count` gunicorn servers (`tissage serve`, `workers` each) on free ports, ready."""
    servers: list[Server] = []
    try:
        for number in range(count):
            port = free_port()
            log = log_dir / f"server-{number}.log"
            command = [sys.executable, "-m", "tissage.cli", "serve", "--workers", str(workers)]
            process = subprocess.Popen(  # noqa: S603 - our own command
                [*command, "--bind", f"127.0.0.1:{port}"],
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            servers.append(Server(f"http://127.0.0.1:{port}", process, log))
        for server in servers:
            wait_ready(server)
        yield servers
    finally:
        for server in servers:
            server.process.terminate()
        for server in servers:
            try:
                server.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def wait_ready(server: Server, path: str = "/healthz/") -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"tissage serve stopped:\n{server.output()}")
        try:
            with urllib.request.urlopen(server.base + path, timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"tissage serve did not answer in {START_SECONDS} s:\n{server.output()}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Cookies kept, the CSRF token of the last form page sent back, redirects not followed.

    The same browser may talk to several servers (behind a balancer, it would)."""

    def __init__(self) -> None:
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )
        self.token = ""

    def request(
        self, url: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Answer:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **data}).encode()
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        if data is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=20) as answer:
                status, raw, got = answer.status, answer.read(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            status, raw, got = error.code, error.read(), dict(error.headers)
        text = raw.decode(errors="replace")
        if found := _CSRF.search(text):
            self.token = found.group(1)
        return Answer(status, text, got)
