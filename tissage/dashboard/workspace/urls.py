from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.workspace, name="workspace"),
    path("lien/", views.workspace_link, name="workspace_link"),
]
