from django.urls import path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views as views_agenda

urlpatterns = [
    path("", views_agenda.agenda, name="agenda"),
    path("calendrier.ics", views_agenda.feed, name="feed"),
    path("calendrier/projet/<slug:slug>.ics", views_agenda.feed_project, name="feed_project"),
    path("calendrier/commune/<slug:insee>.ics", views_agenda.feed_commune, name="feed_commune"),
    path("<action_slug:slug>/calendrier.ics", views_agenda.ics, name="ics"),
]
