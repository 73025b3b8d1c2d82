from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class CoreConfig(registry.TissageAppConfig):
    name = "tissage.core"
    verbose_name = _("Platform")
    purges = ("tissage.core.emails.sent_emails_purge", "tissage.core.workers.finished_tasks_purge")

    def ready(self) -> None:
        super().ready()
        from django.db.models.signals import post_migrate

        from tissage.core import checks  # noqa: F401 - registers the configuration checks
        from tissage.core.search import search_triggers_restore

        post_migrate.connect(search_triggers_restore, sender=self)
