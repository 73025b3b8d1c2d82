"""`tissage serve` forks its workers from a process that ran the system checks, which
open a database connection on SQLite (a JSONField asks what the database supports).
Workers keep their connections between requests (CONN_MAX_AGE, on SQLite as on
PostgreSQL): one inherited from the parent would be the same socket or SQLite file
handle in every worker. The parent closes it before forking."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from .factories import ProjectFactory
from .servers import running_servers, server_env

pytestmark = pytest.mark.django_db(transaction=True)


def database_handles(pid: int) -> set[str]:
    """The open handles of process `pid` on the test database: its SQLite file (and the
    file's WAL and shared memory), or its TCP sockets to PostgreSQL's port."""
    links = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.add(os.readlink(fd))
        except FileNotFoundError:  # closed meanwhile
            continue
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return {link for link in links if link.startswith(str(settings["NAME"]))}
    port = f":{int(settings['PORT'] or 5432):04X}"
    to_database = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            columns = row.split()
            if columns[2].endswith(port):  # the remote address
                to_database.add(f"socket:[{columns[9]}]")
    return links & to_database


def children(pid: int) -> list[int]:
    tasks = Path(f"/proc/{pid}/task")
    found = []
    for task in tasks.iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_the_workers_do_not_share_the_parent_s_database_connection(tmp_path):
    project = ProjectFactory(status="published")
    env = server_env(tmp_path)
    with running_servers(1, env, tmp_path, workers=2) as (server,):
        for _ in range(6):  # pages that read the database, on both workers
            url = server.base + reverse("projects:detail", args=[project.slug])
            with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
                assert answer.status == 200
        parent = server.process.pid
        workers = children(parent)
        assert len(workers) == 2
        assert database_handles(parent) == set()
        # The workers did read the database, through connections of their own (which
        # worker answered each request is gunicorn's choice: at least one did).
        assert any(database_handles(worker) for worker in workers)
