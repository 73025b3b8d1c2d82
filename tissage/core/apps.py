from typing import Any

from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class CoreConfig(registry.TissageAppConfig):
    name = "tissage.core"
    verbose_name = _("Platform")
    purges = (
        "tissage.core.emails.sent_emails_purge",
        "tissage.core.workers.finished_tasks_purge",
        "tissage.core.ratelimit.form_counts_purge",
        "tissage.core.logs.task_requests_purge",
    )

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_migrate

        from tissage.core import checks  # noqa: F401 - registers the configuration checks
        from tissage.core.search import search_triggers_restore

        post_migrate.connect(search_triggers_restore, sender=self)
        # The shared cache's table, when it is the database's (no REDIS_URL): made by
        # `tissage migrate` (and the demo, and the test database) with nothing more to run.
        post_migrate.connect(cache_table_create, sender=self)

        from django.tasks.signals import task_enqueued, task_finished, task_started

        from tissage.core import logs

        task_enqueued.connect(logs.task_enqueued_remember, dispatch_uid="tissage-task-enqueued")
        task_started.connect(logs.task_started_take, dispatch_uid="tissage-task-started")
        task_finished.connect(logs.task_finished_log, dispatch_uid="tissage-task-finished")


def cache_table_create(using: str = "default", **kwargs: Any) -> None:
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
