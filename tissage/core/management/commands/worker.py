"""The background worker: runs queued tasks (emails…) from the database."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Run Tissage's background worker (tasks are queued in the database)."
