"""Tasks queued with the transaction that asks for them (core.queue)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.tasks import task
from django_tasks_db.models import DBTaskResult

from tissage.core.queue import task_enqueue

pytestmark = pytest.mark.django_db

ran: list[int] = []


@task()
def remember(number: int) -> None:
    ran.append(number)


class Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _forget():
    ran.clear()


def rolled_back(number: int) -> None:
    try:
        with transaction.atomic():
            task_enqueue(remember, number)
            raise Rollback
    except Rollback:
        pass


def test_with_the_database_queue_the_task_is_a_row_of_the_transaction(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    rolled_back(1)
    assert not DBTaskResult.objects.exists()

    with transaction.atomic():
        task_enqueue(remember, 2)
        # Written already, in the transaction: a process killed after the commit
        # cannot lose it.
        assert [task.args_kwargs["args"] for task in DBTaskResult.objects.all()] == [[2]]
    assert ran == []


def test_other_backends_get_the_task_after_the_commit(django_capture_on_commit_callbacks):
    rolled_back(1)
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue(remember, 2)
        assert ran == []

    assert ran == [2]
