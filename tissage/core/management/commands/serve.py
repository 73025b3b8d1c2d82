"""The production web server: gunicorn serving Tissage's WSGI application."""

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from tissage.core.web_workers import after_loading

# gunicorn's workers each keep their metrics in a file of this folder, which a scrape adds
# up (core/metrics.py). Set before anything imports prometheus_client (the system checks
# import the views), which chooses then between one process and several.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
os.environ.setdefault(
    MULTIPROCESS_ENV, str(Path(tempfile.gettempdir()) / f"tissage-metrics-{os.getpid()}")
)


def _metrics_folder_reset() -> None:
    """An empty folder for this run: a previous run's files would add to this one's."""
    folder = Path(os.environ[MULTIPROCESS_ENV])
    if folder.is_dir():
        for stale in folder.glob("*.db"):
            stale.unlink()
    folder.mkdir(parents=True, exist_ok=True)


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from tissage.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Tissage in production with gunicorn. Run several behind a reverse proxy if needed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Defaults from the environment, read (and checked) by settings.py.
        parser.add_argument("--bind", default=settings.WEB_BIND)
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS)
        parser.add_argument("--access-log", action="store_true", help="log every request")

    def handle(self, *args: Any, **options: Any) -> None:
        config = {
            "bind": options["bind"],
            "workers": options["workers"],
            "threads": options["threads"],
            "timeout": 60,
            "graceful_timeout": 10,
            "forwarded_allow_ips": settings.WEB_FORWARDED_ALLOW_IPS,
            "accesslog": "-" if options["access_log"] else None,
            "errorlog": "-",
            "loglevel": "warning",
            "child_exit": _child_exit,
            "post_worker_init": after_loading,
        }
        _metrics_folder_reset()
        # The system checks run before this may have opened a connection (on SQLite, a
        # JSONField asks the database what it supports). Each worker is a fork of this
        # process and keeps its connections between requests (CONN_MAX_AGE): an inherited
        # one would be a socket or SQLite file handle shared by every worker. Each worker
        # opens its own.
        connections.close_all()
        try:
            _Gunicorn(config).run()
        finally:
            if Path(os.environ[MULTIPROCESS_ENV]).name.startswith("tissage-metrics-"):
                shutil.rmtree(os.environ[MULTIPROCESS_ENV], ignore_errors=True)
