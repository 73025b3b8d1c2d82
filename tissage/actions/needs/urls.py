"""Material needs and pledges, "my actions", the poster and the sign-in sheet."""

from django.urls import URLPattern, path

from . import views as views_more

urlpatterns: list[URLPattern] = [
    path("mes-actions/", views_more.mine, name="mine"),
    path("<slug:slug>/materiel/", views_more.needs, name="needs"),
    path("<slug:slug>/materiel/<int:need_pk>/", views_more.need_edit, name="need_edit"),
    path(
        "<slug:slug>/materiel/<int:need_pk>/supprimer/",
        views_more.need_delete,
        name="need_delete",
    ),
    path("<slug:slug>/materiel/<int:need_pk>/promettre/", views_more.pledge, name="pledge"),
    path("<slug:slug>/affiche/", views_more.poster, name="poster"),
    path("<slug:slug>/emargement/", views_more.sign_in_sheet, name="sign_in_sheet"),
]
