from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class DashboardConfig(registry.TissageAppConfig):
    name = "tissage.dashboard"
    verbose_name = _("Dashboard")
    personal_data = "tissage.dashboard.personal_data"
