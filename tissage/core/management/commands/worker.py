"""The background worker: runs queued tasks (emails…) from the database."""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker


class Command(DatabaseWorker):
    help = "Run the background worker: emails and other tasks, queued in the database."
