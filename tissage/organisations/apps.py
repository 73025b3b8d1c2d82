from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class OrganisationsConfig(registry.TissageAppConfig):
    name = "tissage.organisations"
    verbose_name = _("Organisations")
    personal_data = "tissage.organisations.personal_data"
