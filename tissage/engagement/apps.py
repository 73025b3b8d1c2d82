from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class EngagementConfig(registry.TissageAppConfig):
    name = "tissage.engagement"
    verbose_name = _("Follows and notifications")
    my_space = "tissage.engagement.queries.my_space"
    personal_data = "tissage.engagement.personal_data"
    purges = ("tissage.engagement.services.notifications_purge",)
