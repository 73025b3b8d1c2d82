from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ActionsConfig(registry.TissageAppConfig):
    name = "tissage.actions"
    verbose_name = _("Actions")
    personal_data = "tissage.actions.personal_data"
    search = ("tissage.actions.search.actions_kind",)
    my_space = "tissage.actions.registration.queries.my_space"
    workspace = "tissage.actions.workspace.workspace"
    home = "tissage.actions.agenda.home.home_part"
    # Other websites embed an action's card and a project's agenda (actions/widgets/).
    embeds = {
        "actions:detail": "tissage.actions.widgets.embeds.action_embed",
        "projects:detail": "tissage.actions.widgets.embeds.project_agenda_embed",
    }
