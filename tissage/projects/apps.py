from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ProjectsConfig(registry.TissageAppConfig):
    name = "tissage.projects"
    verbose_name = _("Projects")
    followables = {"project": "tissage.projects.lookups.followable_project"}
    personal_data = "tissage.projects.personal_data"
    search = ("tissage.projects.search.projects_kind",)
