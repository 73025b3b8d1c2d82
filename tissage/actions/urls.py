from django.urls import include, path, register_converter

from tissage.core.converters import slug_converter

from .manage.services import RESERVED_SLUGS
from .registration import views

# An action's slug is never one of the fixed words: the modules below match in any order.
register_converter(slug_converter(RESERVED_SLUGS), "action_slug")

app_name = "actions"
urlpatterns = [
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    # Each of these modules owns its pages; they share the `actions` namespace.
    path("", include("tissage.actions.agenda.urls")),
    path("", include("tissage.actions.manage.urls")),
    path("", include("tissage.actions.attendance.urls")),
    path("", include("tissage.actions.needs.urls")),
    path("", include("tissage.actions.volunteers.urls")),
    path("<action_slug:slug>/", views.detail, name="detail"),
]
