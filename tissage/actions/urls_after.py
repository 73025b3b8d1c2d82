"""On the day and after an action: check-in, impact, report, exports (see views_after)."""

from django.urls import URLPattern, path, re_path

from . import views_after

FORMAT = r"(?P<fmt>csv|ods|xlsx)"
SLUG = r"(?P<{}>[-a-zA-Z0-9_]+)"

urlpatterns: list[URLPattern] = [
    path("impact/<slug:project_slug>/", views_after.impact, name="impact"),
    re_path(
        rf"^export/heures/{SLUG.format('project_slug')}\.{FORMAT}$",
        views_after.export_hours,
        name="export_hours",
    ),
    re_path(
        rf"^export/impact/{SLUG.format('project_slug')}\.{FORMAT}$",
        views_after.export_impact,
        name="export_impact",
    ),
    path("<slug:slug>/presences/", views_after.attendance, name="attendance"),
    path("<slug:slug>/bilan/", views_after.report, name="report"),
    re_path(
        rf"^{SLUG.format('slug')}/export-inscrits\.{FORMAT}$",
        views_after.export_registrants,
        name="export_registrants",
    ),
]
