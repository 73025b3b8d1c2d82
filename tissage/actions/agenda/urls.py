"""The agenda, the iCalendar feeds and the poster."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug, action_insee_code)

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.agenda, name="agenda"),
    path("calendrier.ics", views.feed, name="feed"),
    path("calendrier/projet/<slug:slug>.ics", views.feed_project, name="feed_project"),
    path(
        "calendrier/commune/<action_insee_code:insee>.ics", views.feed_commune, name="feed_commune"
    ),
    path("<action_slug:slug>/calendrier.ics", views.ics, name="ics"),
    path("<action_slug:slug>/affiche/", views.poster, name="poster"),
]
