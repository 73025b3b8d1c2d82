"""Facilitators' pages about the action itself: create, edit, cancel."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views

urlpatterns: list[URLPattern] = [
    path("nouvelle/<slug:project_slug>/", views.create, name="create"),
    path("<action_slug:slug>/modifier/", views.edit, name="edit"),
    path("<action_slug:slug>/annuler-l-action/", views.cancel_action, name="cancel_action"),
]
