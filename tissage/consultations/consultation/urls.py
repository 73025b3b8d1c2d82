from django.urls import path

from . import views

urlpatterns = [
    path("nouvelle/<slug:project_slug>/", views.create, name="create"),
    path("<consultation_slug:slug>/", views.detail, name="detail"),
    path("<consultation_slug:slug>/modifier/", views.edit, name="edit"),
    path("<consultation_slug:slug>/categories/", views.categories, name="categories"),
    path(
        "<consultation_slug:slug>/categories/<int:pk>/",
        views.category_edit,
        name="category_edit",
    ),
    path(
        "<consultation_slug:slug>/categories/<int:pk>/supprimer/",
        views.category_delete,
        name="category_delete",
    ),
]
