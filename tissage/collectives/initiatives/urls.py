from django.urls import path

from . import views

urlpatterns = [
    path("<collective_slug:slug>/initiatives/", views.initiative_list, name="initiatives"),
    path(
        "<collective_slug:slug>/initiatives.atom",
        views.initiatives_feed,
        name="initiatives_feed",
    ),
    path(
        "<collective_slug:slug>/initiatives/nouvelle/",
        views.initiative_create,
        name="initiative_create",
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/", views.initiative_detail, name="initiative"
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/rejoindre/",
        views.initiative_join,
        name="initiative_join",
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/quitter/",
        views.initiative_leave,
        name="initiative_leave",
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/modifier/",
        views.initiative_edit,
        name="initiative_edit",
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/statut/",
        views.initiative_status,
        name="initiative_status",
    ),
    path(
        "<collective_slug:slug>/initiatives/<int:pk>/projet/",
        views.initiative_project,
        name="initiative_project",
    ),
]
