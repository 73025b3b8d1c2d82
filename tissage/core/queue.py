"""Queuing a task with the transaction that asks for it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend


def task_enqueue(task: Task[Any, Any], *args: Any) -> None:
    """Queue `task` so that it runs only if the current transaction commits, and surely
    then.

    With the database queue (production), the task is a row written in the same
    transaction: both are kept or neither, and no worker sees it before the commit.
    Queuing it from `on_commit` would leave a gap: a process killed between the commit
    and its callbacks would keep the data without the task that acts on it. Other
    backends (the tests' ImmediateBackend, which runs the task at once) are given the
    task after the commit."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))
