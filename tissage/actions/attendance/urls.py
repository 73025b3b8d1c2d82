"""On the day and after an action: check-in, impact, report, exports (see views_after)."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views as views_after

urlpatterns: list[URLPattern] = [
    path("impact/<slug:project_slug>/", views_after.impact, name="impact"),
    path(
        "export/heures/<slug:project_slug>.<action_sheet_format:fmt>",
        views_after.export_hours,
        name="export_hours",
    ),
    path(
        "export/impact/<slug:project_slug>.<action_sheet_format:fmt>",
        views_after.export_impact,
        name="export_impact",
    ),
    path("<action_slug:slug>/presences/", views_after.attendance, name="attendance"),
    path("<action_slug:slug>/bilan/", views_after.report, name="report"),
    path(
        "<action_slug:slug>/export-inscrits.<action_sheet_format:fmt>",
        views_after.export_registrants,
        name="export_registrants",
    ),
]
