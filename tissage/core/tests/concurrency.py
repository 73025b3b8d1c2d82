"""Work run by several threads at the same instant, each with its own database
connection: for tests of what people do at once (registrations, supports, counts)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def at_once(count: int, work: Callable[[int], object]) -> list[BaseException]:
    """Run `work(0)` … `work(count - 1)` in `count` threads released together; return
    the errors they raised (none expected)."""
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def one(number: int) -> None:
        try:
            start.wait()
            work(number)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors
