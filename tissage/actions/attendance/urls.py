"""On the day and after an action: check-in, impact, report, exports (see views_after)."""

from django.urls import URLPattern, path, register_converter

from tissage.core.converters import choice_converter

from . import views as views_after

register_converter(choice_converter(["csv", "ods", "xlsx"]), "action_sheet_format")

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
    path("<slug:slug>/presences/", views_after.attendance, name="attendance"),
    path("<slug:slug>/bilan/", views_after.report, name="report"),
    path(
        "<slug:slug>/export-inscrits.<action_sheet_format:fmt>",
        views_after.export_registrants,
        name="export_registrants",
    ),
]
