from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class CollectivesConfig(registry.TissageAppConfig):
    name = "tissage.collectives"
    verbose_name = _("Collectives")
    followables = {"collective": "tissage.collectives.lookups.followable_collective"}
    personal_data = "tissage.collectives.personal_data"
    search = (
        "tissage.collectives.search.collectives_kind",
        "tissage.collectives.search.initiatives_kind",
        "tissage.collectives.search.wiki_kind",
    )
    my_space = "tissage.collectives.membership.queries.my_space"
    workspace = "tissage.collectives.workspace.workspace"
    home = "tissage.collectives.collective.home.home_part"

    def ready(self) -> None:
        # A collective's coordinators run its meetings (actions of its project) without
        # being in the project's team: told to the actions app, which never imports us.
        from tissage.actions.access import meeting_managers_rule_register
        from tissage.actions.manage.services import announced_to_rule_register

        from .access import coordinates_meetings_of
        from .notifications import meetings_announced_to

        meeting_managers_rule_register(coordinates_meetings_of)
        # A new meeting is news for the collective's followers too.
        announced_to_rule_register(meetings_announced_to)
