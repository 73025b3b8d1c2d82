from django.urls import include, path, register_converter

from tissage.core.converters import slug_converter

from .consultation.services import RESERVED_CONSULTATION_SLUGS

# A consultation's slug is never one of the fixed words of the modules below, which
# match in any order.
register_converter(slug_converter(RESERVED_CONSULTATION_SLUGS), "consultation_slug")

app_name = "consultations"
urlpatterns = [
    path("", include("tissage.consultations.consultation.urls")),
    path("", include("tissage.consultations.proposals.urls")),
    path("", include("tissage.consultations.answers.urls")),
    path("", include("tissage.consultations.comments.urls")),
    path("", include("tissage.consultations.map.urls")),
    path("", include("tissage.consultations.questionnaires.urls")),
]
