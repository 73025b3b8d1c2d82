"""Issue #17, §4: PostgreSQL stopped under a running `tissage serve`. Pages answer a French
503 page (never a traceback), nothing is half-written, and the app comes back by itself
within 10 s of the database; a `tissage worker` waits for it, then sends what was queued.
A private PostgreSQL instance is made for the test (initdb, pg_ctl as the `postgres` user,
in a temporary folder, on a free port of 127.0.0.1)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.urls import reverse

from .processes import FAST_HEARTBEAT, WorkerProcess
from .servers import Browser, free_port, running_servers, server_env

PG_BIN = Path(os.environ.get("TISSAGE_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
RECOVERY_LIMIT_SECONDS = 10


def as_postgres(*args: str) -> subprocess.CompletedProcess[str]:
    command = list(args) if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True, timeout=60)  # noqa: S603


class PrivatePostgres:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()

    def pg_ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-w", "-m", "fast",
            "-l", str(self.folder / "postgres.log"), action,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/tissage"

    def count(self, table: str) -> int:
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=tissage") as db:
            row = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            assert row is not None
            return int(row[0])


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    if not (PG_BIN / "initdb").exists():
        raise AssertionError(
            f"This test needs PostgreSQL's server programs in {PG_BIN} (TISSAGE_TEST_PG_BIN)."
        )
    # Not under pytest's temporary folder, which only its owner may enter.
    folder = Path(tempfile.mkdtemp(prefix="tissage-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = PrivatePostgres(folder)
    as_postgres(str(PG_BIN / "initdb"), "-D", str(server.data), "-U", "postgres", "-A", "trust")
    server.pg_ctl("start")
    try:
        as_postgres(
            str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres",
            "tissage",
        )  # fmt: skip
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(server.data), "-m", "immediate", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def test_the_database_down_answers_503_in_french_and_recovers_by_itself(postgres, tmp_path):
    env = server_env(tmp_path, DATABASE_URL=postgres.url)
    subprocess.run(  # noqa: S603
        [str(Path(sys.executable).parent / "tissage"), "migrate", "-v0"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    sign_in = reverse("accounts:sign_in")
    mail = tmp_path / "mail"
    worker = WorkerProcess(
        {**env, **FAST_HEARTBEAT, "EMAIL_URL": f"file://{mail}"}, worker_id="outage-worker"
    )
    try:
        with running_servers(1, env, tmp_path) as (server,):
            browser = Browser()
            assert browser.request(server.base + "/").status == 200
            assert browser.request(server.base + sign_in).status == 200  # the form and its token

            postgres.pg_ctl("stop")
            home = browser.request(server.base + "/")
            assert home.status == 503
            assert "Service momentanément indisponible" in home.text
            assert "Rien de ce que vous venez d’envoyer n’a été enregistré" in home.text
            assert "Traceback" not in home.text and "psycopg" not in home.text
            assert home.headers["Retry-After"] == "10"
            sent = browser.request(server.base + sign_in, {"email": "lea@example.org"})
            assert sent.status == 503
            ready = browser.request(server.base + "/readyz/")
            assert (ready.status, ready.text) == (503, "not ready: database, cache")
            assert browser.request(server.base + "/healthz/").status == 200  # alive all the same

            restart = time.monotonic()
            postgres.pg_ctl("start")
            back = time.monotonic()
            while (answer := browser.request(server.base + "/")).status != 200:
                assert answer.status == 503, answer.text
                assert time.monotonic() - back < RECOVERY_LIMIT_SECONDS, "not back within 10 s"
                time.sleep(0.05)
            recovery = time.monotonic() - back
            print(
                f"PostgreSQL started in {back - restart:.2f} s; pages answered 200 again "
                f"{recovery:.2f} s after it accepted connections"
            )

            # The form sent during the outage left nothing; sent again, it works.
            assert postgres.count("accounts_signincode") == 0
            assert browser.request(server.base + sign_in).status == 200
            again = browser.request(server.base + sign_in, {"email": "lea@example.org"})
            assert again.status == 302
            assert postgres.count("accounts_signincode") == 1
            assert browser.request(server.base + "/readyz/").text == "ok"

            # The worker lived through the outage and sends the code's email once it is back.
            waited = time.monotonic()
            while not (mail.exists() and any(mail.iterdir())):
                assert worker.process.poll() is None, worker.output()
                assert time.monotonic() - waited < RECOVERY_LIMIT_SECONDS, worker.output()
                time.sleep(0.1)
            assert "Database unreachable" in worker.output()
            assert len(list(mail.iterdir())) == 1
    finally:
        worker.stop()
        worker.log.unlink(missing_ok=True)
    assert "Traceback" not in "".join(
        line for line in server.output().splitlines() if '"logger": "tissage.request"' in line
    )
