from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ConsultationsConfig(registry.TissageAppConfig):
    name = "tissage.consultations"
    verbose_name = _("Consultations")
    followables = {"consultation": "tissage.consultations.lookups.followable_consultation"}
    # Proposals (the proposals sub-package).
    address_confirmed = ("tissage.consultations.proposals.services.proposals_attach",)
    purges = (
        "tissage.consultations.proposals.services.unconfirmed_proposals_purge",
        "tissage.consultations.proposals.services.unconfirmed_supports_purge",
        "tissage.consultations.proposals.services.kept_photos_purge",
    )
