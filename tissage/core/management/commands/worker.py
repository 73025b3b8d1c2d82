"""The background worker: runs queued tasks (emails…) from the database."""

import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from tissage.core.workers import Heartbeat


class Command(DatabaseWorker):
    help = (
        "Run the background worker: emails and other tasks, queued in the database. "
        "It says it is alive every TISSAGE_WORKER_HEARTBEAT_SECONDS, and runs again the "
        "tasks of workers silent for TISSAGE_WORKER_DEAD_AFTER_SECONDS."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # The reloader's watching process runs no task: its child beats.
            super().handle(*args, **options)
            return
        heartbeat = Heartbeat(worker_id=options["worker_id"], backend_name=options["backend_name"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
