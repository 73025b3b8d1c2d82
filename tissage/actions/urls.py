from django.urls import include, path

from . import converters  # noqa: F401 (registers action_slug before the modules below)
from .registration import views

app_name = "actions"
urlpatterns = [
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    path("", include("tissage.actions.agenda.urls")),
    path("", include("tissage.actions.manage.urls")),
    path("", include("tissage.actions.attendance.urls")),
    path("", include("tissage.actions.needs.urls")),
    path("", include("tissage.actions.volunteers.urls")),
    path("<action_slug:slug>/", views.detail, name="detail"),
]
