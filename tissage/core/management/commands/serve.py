"""The production web server: gunicorn serving Tissage's WSGI application."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from gunicorn.app.base import BaseApplication


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
        }
        _Gunicorn(config).run()
