"""The action page, the cancel link, "my actions" and the registrants' list."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views

urlpatterns: list[URLPattern] = [
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    path("mes-actions/", views.mine, name="mine"),
    path("<action_slug:slug>/", views.detail, name="detail"),
    path("<action_slug:slug>/inscrits/", views.registrants, name="registrants"),
    path(
        "<action_slug:slug>/inscrits/message/",
        views.registrants_message,
        name="registrants_message",
    ),
    path(
        "<action_slug:slug>/inscrits/<int:pk>/",
        views.registrant_change,
        name="registrant_change",
    ),
]
