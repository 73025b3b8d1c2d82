from django.urls import include, path

from . import views

app_name = "dashboard"
urlpatterns: list = [
    path("", views.platform, name="platform"),
    path("structures/<slug:slug>/", views.organisation, name="organisation"),
    path("projets/<slug:slug>/", views.project, name="project"),
    path("a-traiter/", include("tissage.dashboard.workspace.urls")),
    path("", include("tissage.dashboard.reports.urls")),
]
