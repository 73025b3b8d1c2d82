"""Workers that say they are alive, and the tasks of those that died.

django-tasks-db (0.13) marks a task RUNNING when a worker claims it and never looks at it
again: a worker killed (SIGKILL, out of memory, its machine gone) would leave its task
running forever, and what it was doing (a list message's copies, an email) undone.

Each `tissage worker` therefore writes its `Worker` row every WORKER_HEARTBEAT_SECONDS,
from a thread of its own (`Heartbeat`), so a long task does not silence it. The same
thread, every half of WORKER_DEAD_AFTER_SECONDS, puts back in the queue the running tasks
of workers silent for longer than that (`tasks_recover`). No process looks at another
machine's process ids: a worker is alive if its row says so.

A task may so run twice (once cut short): tasks are written to be run again. Emails are
sent at least once, a second copy carrying the same Message-ID (core/emails.py).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections
from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Worker

logger = logging.getLogger(__name__)


def worker_beat(*, worker_id: str, started_at: datetime) -> None:
    """Say that this worker is alive (its row is made again if another took it for dead).

    The time written is the database's when the row is written, not this process's when
    it meant to write: a beat held up (on SQLite, behind its own task's long write) would
    otherwise arrive already stale. Every worker's silence is so read on one clock."""
    Worker.objects.update_or_create(
        id=worker_id,
        defaults={"last_seen": Now()},
        create_defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at,
            "last_seen": Now(),
        },
    )


def worker_forget(*, worker_id: str) -> None:
    """A worker that stops cleanly removes its row."""
    Worker.objects.filter(id=worker_id).delete()


def tasks_recover(*, backend_name: str, worker_id: str | None = None) -> list[str]:
    """Put back in the queue the running tasks whose worker is dead: silent (or without a
    row) for WORKER_DEAD_AFTER_SECONDS, and the task claimed at least that long ago.
    Returns their ids. `worker_id` is the worker that asks: alive, whatever its row says,
    so it never puts back the task it is running (its beat may have been held up).

    Several workers may do this at once: each task goes back by an update conditional on
    the claim that was read (still running, same start), so only one puts it back, and a
    task claimed again in the meantime by a live worker is left alone. The queue's own
    lock then gives it to one worker only."""
    silence = timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    cutoff = timezone.now() - silence
    # Beats are written on the database's clock (worker_beat), and read on it.
    alive = set(Worker.objects.filter(last_seen__gte=Now() - silence).values_list("id", flat=True))
    alive |= {worker_id} if worker_id is not None else set()
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, backend_name=backend_name, started_at__lt=cutoff
    ).values_list("id", "started_at", "worker_ids")
    recovered = []
    for task_id, started_at, worker_ids in running:
        if worker_ids and worker_ids[-1] in alive:
            continue
        claim = DBTaskResult.objects.filter(
            id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if claim.update(status=TaskResultStatus.READY, started_at=None):
            recovered.append(str(task_id))
    Worker.objects.filter(last_seen__lt=Now() - silence).exclude(id__in=alive).delete()
    if recovered:
        logger.warning(
            "Put back in the queue %d task(s) of workers silent for %s s: %s",
            len(recovered),
            settings.WORKER_DEAD_AFTER_SECONDS,
            ", ".join(recovered),
        )
    return recovered


def tasks_release(*, worker_id: str, backend_name: str) -> list[str]:
    """Put back in the queue the tasks this (live) worker left running when the database
    went away under it: it runs one task at a time and is not running any now. Returns
    their ids."""
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, backend_name=backend_name
    ).values_list("id", "started_at", "worker_ids")
    released = []
    for task_id, started_at, worker_ids in running:
        if not worker_ids or worker_ids[-1] != worker_id:
            continue
        claim = DBTaskResult.objects.filter(
            id=task_id, status=TaskResultStatus.RUNNING, started_at=started_at
        )
        if claim.update(status=TaskResultStatus.READY, started_at=None):
            released.append(str(task_id))
    return released


# Finished tasks are kept a month for support (what ran, what failed and why), then
# forgotten: django-tasks-db keeps every row, one per email and per retry.
FINISHED_TASK_RETENTION = timedelta(days=30)


def finished_tasks_purge() -> int:
    """Forget the tasks that ended more than a month ago (`tissage purge`). Returns how
    many were removed."""
    removed, _per_model = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
        finished_at__lt=timezone.now() - FINISHED_TASK_RETENTION,
    ).delete()
    return removed


class Heartbeat(threading.Thread):
    """Beats for one worker until `stop()`, and recovers dead workers' tasks."""

    def __init__(self, *, worker_id: str, backend_name: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.backend_name = backend_name
        self.started_at = timezone.now()
        self._stopping = threading.Event()

    def start(self) -> None:
        # The first beat before any task is claimed: a claimed task always has its
        # worker's row.
        worker_beat(worker_id=self.worker_id, started_at=self.started_at)
        super().start()

    def run(self) -> None:
        recover_every = settings.WORKER_DEAD_AFTER_SECONDS / 2
        next_recovery = timezone.now()
        try:
            while not self._stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                close_old_connections()
                try:
                    worker_beat(worker_id=self.worker_id, started_at=self.started_at)
                    if timezone.now() >= next_recovery:
                        tasks_recover(backend_name=self.backend_name, worker_id=self.worker_id)
                        next_recovery = timezone.now() + timedelta(seconds=recover_every)
                except DatabaseError as error:  # the database away: the next beat tries again
                    logger.warning("Worker heartbeat not written: %s", error)
        finally:
            connections.close_all()

    def stop(self) -> None:
        self._stopping.set()
        self.join()
        try:
            worker_forget(worker_id=self.worker_id)
        except DatabaseError:  # its row, stale, is removed by the next worker's recovery
            logger.warning("Worker %s stopped without removing its row", self.worker_id)
