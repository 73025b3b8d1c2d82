"""On the day and after an action: check-in, sign-in sheet, impact, report, exports."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers the converters)

from . import views

urlpatterns: list[URLPattern] = [
    path("impact/<slug:project_slug>/", views.impact, name="impact"),
    path(
        "export/heures/<slug:project_slug>.<action_sheet_format:fmt>",
        views.export_hours,
        name="export_hours",
    ),
    path(
        "export/impact/<slug:project_slug>.<action_sheet_format:fmt>",
        views.export_impact,
        name="export_impact",
    ),
    path("<action_slug:slug>/presences/", views.attendance, name="attendance"),
    path("<action_slug:slug>/emargement/", views.sign_in_sheet, name="sign_in_sheet"),
    path("<action_slug:slug>/bilan/", views.report, name="report"),
    path(
        "<action_slug:slug>/export-inscrits.<action_sheet_format:fmt>",
        views.export_registrants,
        name="export_registrants",
    ),
]
