from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectivesConfig(AppConfig):
    name = "tissage.collectives"
    verbose_name = _("Collectives")
