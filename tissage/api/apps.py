from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ApiConfig(registry.TissageAppConfig):
    name = "tissage.api"
    label = "api"
    verbose_name = _("Open API")
