from django.urls import path

from . import views_manage

# Included after the campaign's public pages (see urls.py): a project whose slug is the
# name of one of those pages (e.g. “fiches”) cannot use “nouveau/<project>/”; the lead's
# slugs for campaigns should also avoid “nouveau”.
urlpatterns = [
    path(
        "nouveau/<slug:project_slug>/",
        views_manage.campaign_create,
        name="campaign_create",
    ),
    path("<slug:slug>/parametres/", views_manage.campaign_edit, name="campaign_edit"),
    path("<slug:slug>/parametres/categories/", views_manage.categories, name="categories"),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/",
        views_manage.category_edit,
        name="category_edit",
    ),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/deplacer/",
        views_manage.category_move,
        name="category_move",
    ),
    path(
        "<slug:slug>/parametres/categories/<int:pk>/supprimer/",
        views_manage.category_delete,
        name="category_delete",
    ),
    path("<slug:slug>/parametres/questions/", views_manage.fields, name="fields"),
    path(
        "<slug:slug>/parametres/questions/ajouter/",
        views_manage.field_create,
        name="field_create",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/",
        views_manage.field_edit,
        name="field_edit",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/deplacer/",
        views_manage.field_move,
        name="field_move",
    ),
    path(
        "<slug:slug>/parametres/questions/<int:pk>/supprimer/",
        views_manage.field_delete,
        name="field_delete",
    ),
]
