"""Workers' heartbeats, and the tasks of dead workers put back in the queue (core.workers).
The whole story, with a worker killed by SIGKILL, is in the collectives' list-mail tests
(test_worker_killed.py)."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tissage.core.models import Worker
from tissage.core.workers import Heartbeat, finished_tasks_purge, tasks_recover, worker_beat

Status = TaskResultStatus


def worker(worker_id: str, silent_for: float) -> Worker:
    now = timezone.now()
    return Worker.objects.create(
        id=worker_id,
        host="node-1",
        pid=1234,
        started_at=now - timedelta(hours=1),
        last_seen=now - timedelta(seconds=silent_for),
    )


def running(worker_id: str, started_ago: float) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="tissage.core.emails.deliver_email",
        backend_name="default",
        run_after=now - timedelta(seconds=started_ago),
        status=Status.RUNNING,
        started_at=now - timedelta(seconds=started_ago),
        worker_ids=[worker_id],
    )


@pytest.mark.django_db
def test_only_the_tasks_of_dead_workers_go_back_to_the_queue(settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 60
    worker("alive", silent_for=5)
    worker("dead", silent_for=61)
    long_task = running("alive", started_ago=3600)  # a long task of a live worker
    orphan = running("dead", started_ago=120)
    just_claimed = running("dead", started_ago=10)  # claimed just before it died
    nobody = running("gone", started_ago=120)  # its worker's row already removed
    elsewhere = running("dead", started_ago=120)
    DBTaskResult.objects.filter(pk=elsewhere.pk).update(backend_name="other")

    recovered = tasks_recover(backend_name="default")

    assert sorted(recovered) == sorted([str(orphan.pk), str(nobody.pk)])
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {
        long_task.pk: Status.RUNNING,
        orphan.pk: Status.READY,
        just_claimed.pk: Status.RUNNING,
        nobody.pk: Status.READY,
        elsewhere.pk: Status.RUNNING,
    }
    # Back in the queue as it was, ready at once: the next worker to look claims it.
    assert set(DBTaskResult.objects.ready()) == {
        DBTaskResult.objects.get(pk=orphan.pk),
        DBTaskResult.objects.get(pk=nobody.pk),
    }
    assert list(Worker.objects.values_list("id", flat=True)) == ["alive"]
    # Nothing twice.
    assert tasks_recover(backend_name="default") == []


@pytest.mark.django_db
def test_a_worker_never_puts_back_its_own_task(settings):
    """Its own row may look stale (its beat held up): the worker that asks is alive."""
    settings.WORKER_DEAD_AFTER_SECONDS = 60
    worker("me", silent_for=61)
    mine = running("me", started_ago=120)
    theirs = running("dead", started_ago=120)

    recovered = tasks_recover(backend_name="default", worker_id="me")

    assert recovered == [str(theirs.pk)]
    assert DBTaskResult.objects.get(pk=mine.pk).status == Status.RUNNING
    assert Worker.objects.filter(id="me").exists()  # its row is not removed either
    # Asked by another, the same silence is death.
    assert tasks_recover(backend_name="default", worker_id="other") == [str(mine.pk)]


@pytest.mark.django_db(transaction=True)
def test_a_beat_held_up_writes_the_time_it_is_written():
    """A beat waiting for a lock (on SQLite, the worker's own long write) must not arrive
    already stale: its time is the database's at the write."""
    worker("w-3", silent_for=0)
    locked = threading.Event()
    released: list[float] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                Worker.objects.filter(id="w-3").update(pid=4321)  # the row locked
                locked.set()
                time.sleep(0.6)
                released.append(time.time())
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(5)
    worker_beat(worker_id="w-3", started_at=timezone.now())
    holder.join()

    written = Worker.objects.get(id="w-3")
    assert written.pid == 4321  # the beat came after the lock, and kept the other's write
    assert written.last_seen.timestamp() >= released[0] - 0.05


@pytest.mark.django_db(transaction=True)
def test_two_workers_recovering_at_once_never_both_take_a_task(settings):
    settings.WORKER_DEAD_AFTER_SECONDS = 60
    worker("dead", silent_for=600)
    tasks = {str(running("dead", started_ago=600).pk) for _ in range(40)}
    start = threading.Barrier(2)
    results: list[list[str]] = []

    def recover() -> None:
        try:
            start.wait()
            results.append(tasks_recover(backend_name="default"))
        finally:
            connection.close()

    threads = [threading.Thread(target=recover) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first, second = results
    assert not set(first) & set(second)
    assert set(first) | set(second) == tasks
    assert DBTaskResult.objects.filter(status=Status.READY).count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_it_runs_and_leaves_no_row_when_it_stops(settings):
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    heartbeat = Heartbeat(worker_id="w-1", backend_name="default")

    heartbeat.start()
    try:
        first = Worker.objects.get(id="w-1").last_seen  # written before any task is claimed
        time.sleep(0.3)
        later = Worker.objects.get(id="w-1")
    finally:
        heartbeat.stop()

    assert later.last_seen > first
    assert later.host
    assert later.pid > 0
    assert not Worker.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_taken_for_dead_writes_its_row_again(settings):
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    heartbeat = Heartbeat(worker_id="w-2", backend_name="default")
    heartbeat.start()
    try:
        Worker.objects.filter(id="w-2").delete()  # another worker's recovery removed it
        time.sleep(0.3)
        assert Worker.objects.filter(id="w-2").exists()
    finally:
        heartbeat.stop()


@pytest.mark.django_db
def test_the_admin_lists_the_workers_without_editing_them(client):
    from tissage.core.tests.factories import SuperuserFactory

    worker("w-9", silent_for=3)
    client.force_login(SuperuserFactory())

    listing = client.get("/admin/core/worker/")
    page = client.get("/admin/core/worker/w-9/change/")

    assert listing.status_code == page.status_code == 200
    assert "node-1" in listing.text
    assert client.get("/admin/core/worker/add/").status_code == 403
    assert 'name="host"' not in page.text


@pytest.mark.django_db
def test_finished_tasks_are_forgotten_after_a_month():
    now = timezone.now()
    rows = {}
    for name, status, finished_days_ago in [
        ("old-success", Status.SUCCESSFUL, 31),
        ("old-failure", Status.FAILED, 31),
        ("recent", Status.SUCCESSFUL, 29),
        ("running", Status.RUNNING, None),
        ("ready", Status.READY, None),
    ]:
        rows[name] = DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="tissage.core.emails.deliver_email",
            backend_name="default",
            run_after=now - timedelta(days=40),
            status=status,
            finished_at=None
            if finished_days_ago is None
            else now - timedelta(days=finished_days_ago),
        ).pk

    assert finished_tasks_purge() == 2
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {rows["recent"], rows["running"], rows["ready"]}
