"""The background worker: runs queued tasks (emails…) from the database."""

import logging
import os
import time
from typing import Any

from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from tissage.core.workers import Heartbeat, tasks_release

logger = logging.getLogger("tissage.core.workers")

# How long the worker waits before it looks for the database again, once it was lost.
DATABASE_RETRY_SECONDS = 2.0


class Command(DatabaseWorker):
    help = (
        "Run the background worker: emails and other tasks, queued in the database. "
        "It says it is alive every TISSAGE_WORKER_HEARTBEAT_SECONDS, runs again the "
        "tasks of workers silent for TISSAGE_WORKER_DEAD_AFTER_SECONDS, and waits for "
        "the database when it cannot be reached."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's watching process runs no task: its child beats.
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(worker_id=options["worker_id"], backend_name=options["backend_name"])
        heartbeat.start()
        try:
            while True:
                try:
                    super().handle(*args, **options)
                    return
                except (OperationalError, InterfaceError) as error:
                    # django-tasks-db's loop gives up on any database error but a lock:
                    # the database restarting would stop every worker for good. Wait for it,
                    # then put back in the queue the task this worker was running when the
                    # database went away (it is still marked as running under its id).
                    logger.warning(
                        "Database unreachable (%s); trying again in %s s",
                        type(error).__name__,
                        DATABASE_RETRY_SECONDS,
                    )
                    self._wait_for_database(options["worker_id"], options["backend_name"])
        finally:
            heartbeat.stop()

    def _wait_for_database(self, worker_id: str, backend_name: str) -> None:
        while True:
            time.sleep(DATABASE_RETRY_SECONDS)
            close_old_connections()
            try:
                released = tasks_release(worker_id=worker_id, backend_name=backend_name)
            except (OperationalError, InterfaceError):
                continue
            if released:
                logger.warning("Put back in the queue %d interrupted task(s)", len(released))
            return
