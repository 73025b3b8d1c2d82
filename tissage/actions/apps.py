from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ActionsConfig(registry.TissageAppConfig):
    name = "tissage.actions"
    verbose_name = _("Actions")
    personal_data = "tissage.actions.personal_data"
    search = ("tissage.actions.search.actions_search",)
    my_space = "tissage.actions.registration.queries.my_space"
    workspace = "tissage.actions.workspace.workspace"
    home = "tissage.actions.agenda.home.home_part"
