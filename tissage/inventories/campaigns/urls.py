from django.urls import path

from . import views

# Included after the campaign's public pages (see urls.py): a project whose slug is the
# name of one of those pages (e.g. “fiches”) cannot use “nouveau/<project>/”; the lead's
# slugs for campaigns should also avoid “nouveau”.
urlpatterns = [
    path(
        "nouveau/<slug:project_slug>/",
        views.campaign_create,
        name="campaign_create",
    ),
    path("<slug:slug>/parametres/", views.campaign_edit, name="campaign_edit"),
    path("<slug:slug>/parametres/categories/", views.categories, name="categories"),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/",
        views.category_edit,
        name="category_edit",
    ),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/deplacer/",
        views.category_move,
        name="category_move",
    ),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/supprimer/",
        views.category_delete,
        name="category_delete",
    ),
    path("<slug:slug>/parametres/questions/", views.fields, name="fields"),
    path(
        "<slug:slug>/parametres/questions/ajouter/",
        views.field_create,
        name="field_create",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/",
        views.field_edit,
        name="field_edit",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/deplacer/",
        views.field_move,
        name="field_move",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/supprimer/",
        views.field_delete,
        name="field_delete",
    ),
]
