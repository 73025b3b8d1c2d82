"""Material needs (facilitators) and pledges (anyone who sees the action)."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views

urlpatterns: list[URLPattern] = [
    path("<action_slug:slug>/materiel/", views.needs, name="needs"),
    path("<action_slug:slug>/materiel/<int:need_pk>/", views.need_edit, name="need_edit"),
    path(
        "<action_slug:slug>/materiel/<int:need_pk>/supprimer/",
        views.need_delete,
        name="need_delete",
    ),
    path("<action_slug:slug>/materiel/<int:need_pk>/promettre/", views.pledge, name="pledge"),
    path(
        "<action_slug:slug>/materiel/promesses/<int:pledge_pk>/confirmer/",
        views.pledge_confirm,
        name="pledge_confirm",
    ),
]
