from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class TerritoriesConfig(registry.TissageAppConfig):
    name = "tissage.territories"
    verbose_name = _("Territories")
    followables = {"commune": "tissage.territories.lookups.followable_commune"}
