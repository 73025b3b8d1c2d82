from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ConsultationsConfig(registry.TissageAppConfig):
    name = "tissage.consultations"
    verbose_name = _("Consultations")
    # Proposals without an official answer (the answers sub-package).
    workspace = "tissage.consultations.answers.workspace.workspace"
    followables = {"consultation": "tissage.consultations.lookups.followable_consultation"}
    personal_data = "tissage.consultations.personal_data"
    home = "tissage.consultations.consultation.home.home_part"
