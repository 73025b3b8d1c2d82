from django.urls import path

from . import views

# Mounted at /impact/ by tissage/urls.py (a public page, not a part of the staff's
# dashboard: see the dashboard's README).
app_name = "impact"
urlpatterns = [
    path("projets/<slug:slug>/", views.project_impact, name="project"),
    path("structures/<slug:slug>/", views.organisation_impact, name="organisation"),
]
