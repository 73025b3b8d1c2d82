"""The actions' widgets (frames for other websites) and their "Embed on a website" pages."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug, action_insee_code)

from . import views

urlpatterns: list[URLPattern] = [
    path("<action_slug:slug>/widget/", views.action_card, name="widget_action"),
    path("widget/projet/<slug:slug>/", views.agenda_project, name="widget_agenda_project"),
    path(
        "widget/commune/<action_insee_code:insee>/",
        views.agenda_commune,
        name="widget_agenda_commune",
    ),
    path("<action_slug:slug>/integrer/", views.embed_action, name="embed_action"),
    path("integrer/projet/<slug:slug>/", views.embed_agenda_project, name="embed_agenda_project"),
    path(
        "integrer/commune/<action_insee_code:insee>/",
        views.embed_agenda_commune,
        name="embed_agenda_commune",
    ),
]
