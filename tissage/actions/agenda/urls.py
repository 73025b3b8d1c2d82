from django.urls import path

from . import views as views_agenda

urlpatterns = [
    path("", views_agenda.agenda, name="agenda"),
    path("calendrier.ics", views_agenda.feed, name="feed"),
    path("calendrier/projet/<slug:slug>.ics", views_agenda.feed_project, name="feed_project"),
    path("calendrier/commune/<slug:insee>.ics", views_agenda.feed_commune, name="feed_commune"),
    path("<slug:slug>/calendrier.ics", views_agenda.ics, name="ics"),
]
