"""Facilitators' pages, in the `actions` namespace (see urls.py)."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views as views_manage

urlpatterns: list[URLPattern] = [
    path("nouvelle/<slug:project_slug>/", views_manage.create, name="create"),
    path("<action_slug:slug>/modifier/", views_manage.edit, name="edit"),
    path("<action_slug:slug>/annuler-l-action/", views_manage.cancel_action, name="cancel_action"),
    path("<action_slug:slug>/inscrits/", views_manage.registrants, name="registrants"),
    path(
        "<action_slug:slug>/inscrits/message/",
        views_manage.registrants_message,
        name="registrants_message",
    ),
    path(
        "<action_slug:slug>/inscrits/<int:pk>/",
        views_manage.registrant_change,
        name="registrant_change",
    ),
]
