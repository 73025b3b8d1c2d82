from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/", views.campaign_detail, name="campaign"),
    path(
        "nouveau/<slug:project_slug>/",
        views.campaign_create,
        name="campaign_create",
    ),
    path("<campaign_slug:slug>/parametres/", views.campaign_edit, name="campaign_edit"),
    path("<campaign_slug:slug>/parametres/categories/", views.categories, name="categories"),
    path(
        "<campaign_slug:slug>/parametres/categories/<int:pk>/",
        views.category_edit,
        name="category_edit",
    ),
    path(
        "<campaign_slug:slug>/parametres/categories/<int:pk>/deplacer/",
        views.category_move,
        name="category_move",
    ),
    path(
        "<campaign_slug:slug>/parametres/categories/<int:pk>/supprimer/",
        views.category_delete,
        name="category_delete",
    ),
    path("<campaign_slug:slug>/parametres/questions/", views.fields, name="fields"),
    path(
        "<campaign_slug:slug>/parametres/questions/ajouter/",
        views.field_create,
        name="field_create",
    ),
    path(
        "<campaign_slug:slug>/parametres/questions/<int:pk>/",
        views.field_edit,
        name="field_edit",
    ),
    path(
        "<campaign_slug:slug>/parametres/questions/<int:pk>/deplacer/",
        views.field_move,
        name="field_move",
    ),
    path(
        "<campaign_slug:slug>/parametres/questions/<int:pk>/supprimer/",
        views.field_delete,
        name="field_delete",
    ),
]
