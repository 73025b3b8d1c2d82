"""Real `tissage worker` processes on the test database, for the fault tests.

The tests that use them need `transactional_db` (the worker sees only what is committed)
and the database queue in the test process too (`database_queue`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

# A worker is declared dead after 2 s of silence (it says it is alive every 0.5 s), so a
# test sees a killed worker's task run again within seconds.
FAST_HEARTBEAT = {
    "TISSAGE_WORKER_HEARTBEAT_SECONDS": "0.5",
    "TISSAGE_WORKER_DEAD_AFTER_SECONDS": "2",
}


def database_url() -> str:
    """The test database (SQLite file or PostgreSQL) as a DATABASE_URL."""
    database = connection.settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"] or "", safe="")
    if database["PASSWORD"]:
        credentials += ":" + quote(database["PASSWORD"], safe="")
    host = database["HOST"] or "127.0.0.1"
    port = database["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


class WorkerProcess:
    """One `tissage worker`; its output goes to a file, shown when a test fails."""

    def __init__(self, env: dict[str, str], worker_id: str) -> None:
        self.worker_id = worker_id
        self.log = Path(tempfile.mkstemp(prefix="tissage-worker-", suffix=".log")[1])
        with self.log.open("wb") as output:
            self.process = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    *("-m", "tissage.cli", "worker", "--no-reload", "--no-startup-delay"),
                    *("--interval", "0.05", "--verbosity", "1", "--worker-id", worker_id),
                ],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        """SIGKILL: no clean-up, no last write."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextmanager
def worker_processes(smtp_port: int, **env: str) -> Iterator[Callable[[], WorkerProcess]]:
    """Start workers with `start()`: on this database, sending to 127.0.0.1:`smtp_port`."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "TISSAGE_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SECRET_KEY": settings.SECRET_KEY,
        "TISSAGE_SITE_URL": settings.SITE_URL,
        "TISSAGE_LIST_DOMAIN": settings.LIST_DOMAIN,
        "DEFAULT_FROM_EMAIL": settings.DEFAULT_FROM_EMAIL,
        **FAST_HEARTBEAT,
        **env,
    }
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(environment, worker_id=f"test-worker-{len(started) + 1}")
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()
            worker.log.unlink(missing_ok=True)
        connection.close()  # the test's own: the database is flushed after


def wait_for(condition: Callable[[], object], timeout: float, what: str, workers=()) -> float:
    """Poll until `condition()` holds; returns the seconds it took."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            logs = "\n".join(f"--- worker {w.pid}:\n{w.output()}" for w in workers)
            raise AssertionError(f"{what}: not within {timeout} s\n{logs}")
        for worker in workers:
            if worker.process.poll() not in (None, -signal.SIGKILL):
                raise AssertionError(f"worker {worker.pid} stopped:\n{worker.output()}")
        time.sleep(0.05)
    return time.monotonic() - began
