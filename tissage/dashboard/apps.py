from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class DashboardConfig(registry.TissageAppConfig):
    name = "tissage.dashboard"
    verbose_name = _("Dashboard")
    personal_data = "tissage.dashboard.personal_data"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .workspace.signals import staff_check_on_sign_in

        user_logged_in.connect(staff_check_on_sign_in, dispatch_uid="dashboard-workspace-staff")
