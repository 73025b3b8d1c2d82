"""Tissage on several nodes behind nginx, under a Locust load, with its invariants checked.

    uv run python scripts/cluster.py --nodes 2 --users 40 --time 90
    uv run python scripts/cluster.py --reduced            # what CI runs (about a minute)

In a temporary folder, removed at the end (unless --keep):
1. a fresh PostgreSQL database (DROP/CREATE on --pg-admin-url), `tissage migrate`,
   `tissage collectstatic` and the data set of bench/cluster_data.py (the demo, accounts
   with a password, members of a collective, an action with few places);
2. a real SMTP server in this process (aiosmtpd) that counts what it receives;
   with --redis, Redis (already running, at --redis-url: its database is emptied first);
   with --s3, an S3 API server (moto_server, from the dev dependencies) and its bucket;
3. --nodes `tissage serve` nodes (1 or 2) on distinct loopback addresses (127.0.0.2,
   127.0.0.3), two `tissage worker` processes, each with production settings (one
   SECRET_KEY, TISSAGE_HTTPS=0, TISSAGE_BEHIND_PROXY=1, the media folder shared);
4. nginx (Debian's), not as a daemon, with its own configuration, balancing between
   the nodes (least_conn), setting X-Forwarded-For/Proto and X-Request-ID;
5. Locust, headless, bounded in time (bench/locustfile.py);
6. then it waits for the workers to send every queued email, and checks: no failed
   request and no 5xx (Locust and nginx's log), no overbooking (database), no lost upload
   (each contribution Locust saw accepted is in the database, its photos readable from
   the media storage), every email delivered (the SMTP server's count is the database's
   sent count, none queued or failed). Exit code 1 if an invariant fails.

Results are printed, and written as JSON with --json.
PostgreSQL only: nodes on separate machines cannot share an SQLite file.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NODE_ADDRESSES = ["127.0.0.2", "127.0.0.3"]
NGINX = os.environ.get("CLUSTER_NGINX", "/usr/sbin/nginx")
# The load balancer's access log: no client address, no query string (it may hold a token).
NGINX_CONF = """\
{user}worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format cluster '$request_id $status $request_time $upstream_addr "$request_method $uri"';
    access_log {tmp}/nginx-access.log cluster;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/css css; application/javascript js; image/jpeg jpg; image/png png;
             image/svg+xml svg; font/woff2 woff2; image/webp webp; }}

    upstream tissage {{
        least_conn;
{servers}
        keepalive 16;
    }}
    server {{
        listen 127.0.0.1:{port};
        # As README's single-machine example: an action report takes up to 10 photos of
        # 15 MB; bigger bodies are refused before Django.
        client_max_body_size 160m;
{media}
        location /static/ {{
            alias {static}/;
            expires max;
        }}
        location / {{
            proxy_pass http://tissage;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Request-ID $request_id;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
MEDIA_LOCATION = """\
        location /media/ {{
            alias {media}/;
        }}
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now, for a server that binds it at once."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def ephemeral_ports() -> tuple[int, int]:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
        return int(low), int(high)
    except (OSError, ValueError):
        return 32768, 60999


def lasting_port(host: str = "127.0.0.1") -> int:
    """A free port for a server that binds it only minutes later (nginx, the nodes).

    A port the kernel hands out (``free_port``) is one of its ephemeral ports, and in the
    minutes before the server binds it an outgoing connection (to PostgreSQL, Redis, the
    SMTP server) may take it as its own end: the server's ``bind()`` then fails with
    "Address already in use". Ports below the ephemeral range are never given to
    outgoing connections.
    """
    low, _high = ephemeral_ports()
    candidates = list(range(max(1024, low - 12000), low))
    random.SystemRandom().shuffle(candidates)
    for port in candidates[:200]:
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            return port
    return free_port(host)


class Failed(Exception):
    """A step of the set-up failed: said in one line, with the log to read."""


# --- the SMTP server ---------------------------------------------------------------------


class Sink:
    """A real SMTP server (aiosmtpd) in this process; it counts the messages it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.count = 0
        self.recipients = 0
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.count += 1
            self.recipients += len(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def stop(self) -> None:
        self.controller.stop()


# --- processes ---------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                env=self.env,
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        if not self.alive():
            return
        assert self.process is not None
        try:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass

    def tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_http(host: str, port: int, path: str, process: Process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise Failed(f"{process.name} stopped:\n{process.tail()}")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=5)
            connection.request("GET", path, headers={"Host": "127.0.0.1"})
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise Failed(f"{process.name} did not answer {path} within {timeout:.0f} s:\n{process.tail()}")


def run(command: list[str], env: dict[str, str], what: str, timeout: float = 300) -> str:
    result = subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise Failed(f"{what} failed (exit {result.returncode}):\n{result.stderr[-3000:]}")
    return result.stdout


def tissage(*args: str) -> list[str]:
    return [sys.executable, "-m", "tissage.cli", *args]


def resp(*words: str) -> bytes:
    """A Redis command in RESP, the protocol's own framing (no client library needed)."""
    parts = [f"*{len(words)}\r\n".encode()]
    for word in words:
        parts.append(f"${len(word.encode())}\r\n{word}\r\n".encode())
    return b"".join(parts)


def redis_flush(url: str) -> None:
    """Empty the Redis database the nodes will use: no cache or limit of an earlier run."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    database = (parts.path or "/0").strip("/") or "0"
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 5) as s:
            if parts.password:
                s.sendall(resp("AUTH", parts.password))
                s.recv(1024)
            s.sendall(resp("SELECT", database) + resp("FLUSHDB"))
            answer = b""
            while answer.count(b"\r\n") < 2:
                chunk = s.recv(1024)
                if not chunk:
                    break
                answer += chunk
    except OSError as error:
        raise Failed(
            f"Redis does not answer at {parts.hostname}:{parts.port or 6379} ({error}): start it "
            "(apt install redis-server) or leave out --redis."
        ) from None
    if b"-" in answer[:1] or answer.count(b"+OK") < 2:
        raise Failed(f"Redis refused SELECT/FLUSHDB: {answer!r}")


# --- the cluster -------------------------------------------------------------------------


@dataclass
class Cluster:
    args: argparse.Namespace
    tmp: Path
    processes: list[Process] = field(default_factory=list)
    sink: Sink | None = None
    env: dict[str, str] = field(default_factory=dict)
    nginx_port: int = 0
    database_created: bool = False

    def admin_connect(self) -> Any:
        import psycopg

        try:
            return psycopg.connect(self.args.pg_admin_url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as error:
            said = " ".join(str(error).split())
            raise Failed(
                f"PostgreSQL does not answer at {self.args.pg_admin_url} ({said}): start it, "
                "or set --pg-admin-url."
            ) from None

    def database_url(self) -> str:
        return self.args.pg_admin_url.rsplit("/", 1)[0] + "/" + self.args.database

    def prepare(self) -> None:
        with self.admin_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.args.database}"')
        self.database_created = True
        self.sink = Sink()
        self.nginx_port = self.args.port or lasting_port()
        for folder in ("media", "private", "static", "accepted", "nginx"):
            (self.tmp / folder).mkdir()
        env = {
            key: value
            for key, value in os.environ.items()
            if key != "DEBUG"
            and not key.startswith(("TISSAGE_", "AWS_", "CLUSTER_"))
            and key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "SECRET_KEY"}
        }
        env.update(
            {
                "SECRET_KEY": secrets.token_urlsafe(50),
                "DATABASE_URL": self.database_url(),
                "TISSAGE_HTTPS": "0",
                "TISSAGE_BEHIND_PROXY": "1",
                "TISSAGE_FORWARDED_ALLOW_IPS": "127.0.0.1",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "TISSAGE_SITE_URL": f"http://127.0.0.1:{self.nginx_port}",
                "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.port}",
                "DEFAULT_FROM_EMAIL": "Tissage <noreply@cluster.tissage.example>",
                "TISSAGE_DATA_DIR": str(self.tmp / "data"),
                "MEDIA_ROOT": str(self.tmp / "media"),
                "TISSAGE_PRIVATE_MEDIA_ROOT": str(self.tmp / "private"),
                "STATIC_ROOT": str(self.tmp / "static"),
                # Hashed names as in production, without the pre-compressed copies (a
                # fifth of the set-up's time): the load asks for no static file, and
                # nginx would compress them itself.
                "TISSAGE_STATICFILES_STORAGE": (
                    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
                ),
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
                # Every simulated guest comes from 127.0.0.1: hundreds of forms from one
                # address. The limit has its own test (core/tests/test_two_servers.py).
                "TISSAGE_FORM_RATE_LIMIT": "0",
            }
        )
        if self.args.redis:
            redis_flush(self.args.redis_url)
            env["REDIS_URL"] = self.args.redis_url
        if self.args.s3:
            env.update(self.start_s3())
        self.env = env
        started = time.monotonic()
        # Static files are collected while the database is made (they need none of it).
        static = Process(
            "collectstatic",
            tissage("collectstatic", "--noinput", "-v", "0"),
            env,
            self.tmp / "collectstatic.log",
        )
        static.start()
        run(tissage("migrate", "--noinput", "-v", "0"), env, "tissage migrate")
        log(f"migrated in {time.monotonic() - started:.0f} s")
        data_env = {
            **env,
            "CLUSTER_PASSWORD": self.password,
            "CLUSTER_ACCOUNTS": str(self.args.accounts),
        }
        output = run(
            [sys.executable, "bench/cluster_data.py", "load", str(self.tmp / "plan.json")],
            data_env,
            "the data set (bench/cluster_data.py load)",
        )
        assert static.process is not None
        if static.process.wait(120) != 0:
            raise Failed(f"tissage collectstatic failed:\n{static.tail()}")
        log(
            f"database {self.args.database} ready in {time.monotonic() - started:.0f} s: "
            + output.strip().splitlines()[-1]
        )

    @property
    def password(self) -> str:
        if not hasattr(self, "_password"):
            self._password = secrets.token_urlsafe(16)
        return self._password

    def start_s3(self) -> dict[str, str]:
        if shutil.which("moto_server", path=str(Path(sys.executable).parent)) is None:
            raise Failed(
                "moto_server is not installed: uv add --dev 'moto[server]', or leave out --s3."
            )
        port = free_port()
        moto = Process(
            "moto_server",
            [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            dict(os.environ),
            self.tmp / "moto.log",
        )
        moto.start()
        self.processes.append(moto)
        wait_http("127.0.0.1", port, "/moto-api/", moto, timeout=30)
        bucket = "tissage-cluster"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("PUT", f"/{bucket}")  # moto does not check signatures
        status = connection.getresponse().status
        connection.close()
        if status != 200:
            raise Failed(f"the S3 server did not create the bucket (HTTP {status})")
        log(f"S3 server (moto) on 127.0.0.1:{port}, bucket {bucket}")
        return {
            "TISSAGE_MEDIA_URL": f"s3://{bucket}/media",
            "TISSAGE_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "TISSAGE_S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": "cluster",
            "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(16),
        }

    def start_nodes(self) -> None:
        port = self.args.node_port or lasting_port()
        nodes = []
        for number, address in enumerate(NODE_ADDRESSES[: self.args.nodes], start=1):
            node = Process(
                f"node {number}",
                tissage(
                    "serve", "--bind", f"{address}:{port}", "--workers", str(self.args.web_workers)
                ),
                {**self.env, "TISSAGE_DATA_DIR": str(self.tmp / f"data-node{number}")},
                self.tmp / f"node{number}.log",
            )
            node.start()
            self.processes.append(node)
            nodes.append((address, node))
        for number in (1, 2):
            worker = Process(
                f"worker {number}",
                tissage("worker", "--interval", "0.5", "--worker-id", f"cluster-worker-{number}"),
                self.env,
                self.tmp / f"worker{number}.log",
            )
            worker.start()
            self.processes.append(worker)
        for address, node in nodes:
            # Ready: the node reaches the database, the cache and the media storage.
            wait_http(address, port, "/readyz/", node)
        servers = "\n".join(f"        server {address}:{port};" for address, _node in nodes)
        nginx_dir = self.tmp / "nginx"
        media = "" if self.args.s3 else MEDIA_LOCATION.format(media=self.tmp / "media")
        (nginx_dir / "nginx.conf").write_text(
            NGINX_CONF.format(
                tmp=nginx_dir,
                # Started as root, nginx's workers would become www-data, which may not
                # enter the temporary folder (0700): they stay who started them.
                user="user root;\n" if os.geteuid() == 0 else "",
                servers=servers,
                port=self.nginx_port,
                media=media,
                static=self.tmp / "static",
            )
        )
        nginx = Process(
            "nginx",
            [
                NGINX,
                "-p",
                str(nginx_dir),
                "-e",
                str(nginx_dir / "nginx-error.log"),
                "-c",
                str(nginx_dir / "nginx.conf"),
            ],
            self.env,
            self.tmp / "nginx.log",
        )
        nginx.start()
        self.processes.append(nginx)
        wait_http("127.0.0.1", self.nginx_port, "/healthz/", nginx)
        log(
            f"{len(nodes)} node(s) ({', '.join(a for a, _n in nodes)}:{port}, "
            f"{self.args.web_workers} gunicorn workers each), 2 workers, "
            f"nginx on 127.0.0.1:{self.nginx_port}"
        )

    def load(self) -> int:
        env = {
            **os.environ,
            "CLUSTER_PLAN": str(self.tmp / "plan.json"),
            "CLUSTER_PASSWORD": self.password,
            "CLUSTER_ACCEPTED_DIR": str(self.tmp / "accepted"),
        }
        command = [
            sys.executable, "-m", "locust",
            "-f", str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u", str(self.args.users),
            "-r", str(self.args.spawn_rate),
            "-t", f"{self.args.time}s",
            "--stop-timeout", "10",
            "--host", f"http://127.0.0.1:{self.nginx_port}",
            "--csv", str(self.tmp / "locust"),
            "--only-summary",
            "--loglevel", "WARNING",
        ]  # fmt: skip
        log(f"Locust: {self.args.users} users, {self.args.time} s")
        locust = Process("locust", command, env, self.tmp / "locust.log")
        locust.start()
        self.processes.append(locust)
        assert locust.process is not None
        code = locust.process.wait(self.args.time + 120)
        return code

    def wait_emails(self) -> int:
        """Wait until the workers have sent every queued email; the number left."""
        deadline = time.monotonic() + self.args.email_timeout
        while True:
            left = int(
                run(
                    [sys.executable, "bench/cluster_data.py", "queued", "-"],
                    self.env,
                    "counting queued emails",
                ).strip()
            )
            if left == 0 or time.monotonic() > deadline:
                return left
            time.sleep(2)

    def check(self) -> dict[str, Any]:
        output = run(
            [
                sys.executable,
                "bench/cluster_data.py",
                "check",
                str(self.tmp / "plan.json"),
                str(self.tmp / "accepted"),
            ],
            self.env,
            "the checks (bench/cluster_data.py check)",
        )
        return dict(json.loads(output.strip().splitlines()[-1]))

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        if self.sink is not None:
            self.sink.stop()
        if self.database_created and not self.args.keep:
            try:
                with self.admin_connect() as connection:
                    connection.execute(
                        f'DROP DATABASE IF EXISTS "{self.args.database}" WITH (FORCE)'
                    )
            except Failed as error:
                log(f"the database was not dropped: {error}")


# --- results -----------------------------------------------------------------------------


def read_stats(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(newline="") as stats:
        for row in csv.DictReader(stats):
            count = int(row["Request Count"])
            rows.append(
                {
                    "name": row["Name"],
                    "requests": count,
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "p99": float(row["99%"] or 0),
                }
            )
    return rows


def stats_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'request kind':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'failed':>6}"
    ]
    for row in rows:
        lines.append(
            f"{row['name']:<28} {row['requests']:>8} {row['rps']:>7.1f} {row['p50']:>7.0f} "
            f"{row['p95']:>7.0f} {row['failures']:>6}"
        )
    return "\n".join(lines)


def nginx_statuses(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split(" ", 2)
            if len(parts) > 1:
                counts[parts[1]] = counts.get(parts[1], 0) + 1
    return counts


def upstreams(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    if path.exists():
        for line in path.read_text(errors="replace").splitlines():
            parts = line.split(" ", 4)
            if len(parts) > 3:
                counts[parts[3]] = counts.get(parts[3], 0) + 1
    return counts


def verdict(result: dict[str, Any]) -> list[str]:
    """What went wrong, one line each; empty when every invariant holds."""
    problems = []
    stats = {row["name"]: row for row in result["stats"]}
    total = stats.get("Aggregated", {"requests": 0, "failures": 0})
    if result["locust_exit"] not in (0, 1):
        problems.append(f"Locust ended with exit code {result['locust_exit']}")
    if total["requests"] == 0:
        problems.append("no request was made")
    if total["failures"]:
        problems.append(f"{total['failures']} failed requests (see the failures above)")
    errors = sum(n for status, n in result["nginx_statuses"].items() if status.startswith("5"))
    if errors:
        problems.append(f"{errors} responses with a 5xx status at nginx")
    checks = result["checks"]
    if checks["overbooked"]:
        problems.append("overbooking: " + "; ".join(checks["overbooked"]))
    if checks["contributions_missing"] or checks["photos_unreadable"]:
        problems.append(
            f"lost uploads: {len(checks['contributions_missing'])} contributions missing, "
            f"{len(checks['photos_unreadable'])} photos unreadable"
        )
    if checks["contributions_without_photo"]:
        problems.append(f"{checks['contributions_without_photo']} contributions without photo")
    if result["s3"] and not checks["storage"].startswith("s3://"):
        problems.append(f"--s3 was given but the photos are in {checks['storage']}")
    emails = checks["emails"]
    if emails.get("queued") or emails.get("failed"):
        problems.append(f"emails not delivered: {emails}")
    if result["smtp_received"] != emails.get("sent"):
        problems.append(
            f"the SMTP server received {result['smtp_received']} emails, the database says "
            f"{emails.get('sent')} were sent"
        )
    for kind in ("register: send", "contribute: send", "list post: send", "browse: map data"):
        if not stats.get(kind, {}).get("requests"):
            problems.append(f"no '{kind}' request in the mix: the run is too short to tell")
    return problems


def report(result: dict[str, Any]) -> None:
    print()
    print(f"== {result['nodes']} node(s), {result['users']} users, {result['seconds']} s ==")
    print(stats_table(result["stats"]))
    checks = result["checks"]
    print(
        f"nginx statuses {result['nginx_statuses']}, per node {result['upstreams']}\n"
        f"overbooking: {len(checks['overbooked'])}; guest registrations "
        f"{checks['guest_registrations']} ({checks['confirmed_guest_registrations']} "
        f"confirmed, {checks['waiting_guest_registrations']} waiting)\n"
        f"contributions accepted {checks['accepted_contributions']}, found "
        f"{checks['contributions_found']}, photos checked {checks['photos_checked']} "
        f"(storage {checks['storage']}), "
        f"lost {len(checks['contributions_missing']) + len(checks['photos_unreadable'])}\n"
        f"list messages posted by members: {checks['list_messages']}\n"
        f"emails: database {checks['emails']}, SMTP server received {result['smtp_received']}"
        f" (the queue emptied {result['email_drain_seconds']:.0f} s after the load)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Tissage on several nodes behind nginx, under Locust; invariants checked."
    )
    parser.add_argument("--nodes", type=int, choices=(1, 2), default=2)
    parser.add_argument("--users", type=int, default=40, help="Locust users")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--time", type=int, default=90, help="seconds of load")
    parser.add_argument(
        "--reduced", action="store_true", help="CI's form: 2 nodes, 12 users, 20 s of load"
    )
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--accounts", type=int, default=30, help="accounts with a password")
    parser.add_argument("--redis", action="store_true", help="share a Redis (REDIS_URL)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="its database is emptied first (default: CLUSTER_REDIS_URL or DB 0)",
    )
    parser.add_argument("--s3", action="store_true", help="media on an S3 server (moto)")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get(
            "CLUSTER_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument(
        "--database", default="tissage_cluster", help="dropped and created (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=0, help="nginx's port (default: free)")
    parser.add_argument("--node-port", type=int, default=0, help="the nodes' port (default: free)")
    parser.add_argument("--email-timeout", type=float, default=120)
    parser.add_argument("--json", type=Path, help="write the results there")
    parser.add_argument("--keep", action="store_true", help="keep the folder and the database")
    args = parser.parse_args(argv)
    if args.reduced:
        args.nodes, args.users, args.time, args.spawn_rate = 2, 12, 20, 12
    if not Path(NGINX).exists():
        print(f"nginx is not installed at {NGINX} (apt install nginx-light).", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="tissage-cluster-"))
    cluster = Cluster(args, tmp)

    def interrupted(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        cluster.prepare()
        cluster.start_nodes()
        locust_exit = cluster.load()
        drain_started = time.monotonic()
        left = cluster.wait_emails()
        drained = time.monotonic() - drain_started
        if left:
            log(f"{left} emails still queued after {args.email_timeout:.0f} s")
        assert cluster.sink is not None
        result = {
            "nodes": args.nodes,
            "users": args.users,
            "seconds": args.time,
            "web_workers": args.web_workers,
            "redis": args.redis,
            "s3": args.s3,
            "locust_exit": locust_exit,
            "stats": read_stats(tmp / "locust_stats.csv"),
            "nginx_statuses": nginx_statuses(tmp / "nginx" / "nginx-access.log"),
            "upstreams": upstreams(tmp / "nginx" / "nginx-access.log"),
            "checks": cluster.check(),
            "smtp_received": cluster.sink.count,
            "email_drain_seconds": round(drained, 1),
        }
        failures = tmp / "locust_failures.csv"
        if failures.exists() and len(failures.read_text().splitlines()) > 1:
            print(failures.read_text())
        report(result)
        problems = verdict(result)
        result["problems"] = problems
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))
        if problems:
            print("\nFAILED:\n- " + "\n- ".join(problems))
            for process in cluster.processes:
                if process.name.startswith(("node", "worker")):
                    print(f"--- {process.name} (end of its log)\n{process.tail(15)}")
            return 1
        print("\nOK: 0 errors, 0 overbooking, 0 lost uploads, every email delivered once.")
        return 0
    except Failed as error:
        print(f"\nFAILED: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        cluster.stop()
        if args.keep:
            log(f"kept: {tmp}, database {args.database}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
