"""Whether this process can serve: the readiness checks (/readyz/) and what counts as the
database being unreachable (every page then answers 503, core/views.py `server_error`)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection

from tissage.core.files import storage_check

# What a 503 asks clients and proxies to wait, in seconds.
RETRY_AFTER_SECONDS = 10

logger = logging.getLogger(__name__)


def database_unreachable(error: BaseException | None) -> bool:
    """The driver could not reach the database (down, restarting, refusing connections):
    OperationalError or InterfaceError, on SQLite as on PostgreSQL."""
    return isinstance(error, OperationalError | InterfaceError)


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_check() -> None:
    cache = caches["shared"]
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "ok", 10)
    if cache.get(key) != "ok":
        raise OSError("the shared cache does not give back what was set")
    cache.delete(key)


READINESS_CHECKS: list[tuple[str, Callable[[], None]]] = [
    ("database", database_check),
    ("cache", cache_check),
    ("storage", storage_check),
]


def passes(check: Callable[[], None]) -> bool:
    try:
        check()
    except Exception as error:
        # The kind of error only: its text may hold an address or a password.
        logger.warning("readiness check %s failed: %s", check.__name__, type(error).__name__)
        return False
    return True
