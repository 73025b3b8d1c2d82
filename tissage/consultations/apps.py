from django.utils.translation import gettext_lazy as _

from tissage.core import registry


class ConsultationsConfig(registry.TissageAppConfig):
    name = "tissage.consultations"
    verbose_name = _("Consultations")
    # Proposals without an official answer, reported comments.
    workspace = "tissage.consultations.workspace.workspace"
    followables = {"consultation": "tissage.consultations.lookups.followable_consultation"}
    personal_data = "tissage.consultations.personal_data"
    search = (
        "tissage.consultations.search.consultations_kind",
        "tissage.consultations.search.proposals_kind",
    )
    home = "tissage.consultations.consultation.home.home_part"
    my_space = "tissage.consultations.proposals.my_space.my_space"
    # Proposals (the proposals sub-package).
    address_confirmed = ("tissage.consultations.proposals.services.proposals_attach",)
    purges = (
        "tissage.consultations.proposals.services.unconfirmed_proposals_purge",
        "tissage.consultations.proposals.services.unconfirmed_supports_purge",
        "tissage.consultations.proposals.services.kept_photos_purge",
        # Questionnaires.
        "tissage.consultations.questionnaires.services.unconfirmed_responses_purge",
    )
