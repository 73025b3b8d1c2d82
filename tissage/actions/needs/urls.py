"""Material needs and pledges, "my actions", the poster and the sign-in sheet."""

from django.urls import URLPattern, path

from tissage.actions import converters  # noqa: F401 (registers action_slug)

from . import views as views_more

urlpatterns: list[URLPattern] = [
    path("mes-actions/", views_more.mine, name="mine"),
    path("<action_slug:slug>/materiel/", views_more.needs, name="needs"),
    path("<action_slug:slug>/materiel/<int:need_pk>/", views_more.need_edit, name="need_edit"),
    path(
        "<action_slug:slug>/materiel/<int:need_pk>/supprimer/",
        views_more.need_delete,
        name="need_delete",
    ),
    path("<action_slug:slug>/materiel/<int:need_pk>/promettre/", views_more.pledge, name="pledge"),
    path("<action_slug:slug>/affiche/", views_more.poster, name="poster"),
    path("<action_slug:slug>/emargement/", views_more.sign_in_sheet, name="sign_in_sheet"),
]
