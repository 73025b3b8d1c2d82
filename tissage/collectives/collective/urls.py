from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("", views.collective_list, name="list"),
    path("nouveau/<slug:organisation_slug>/", views.collective_create, name="create"),
    path("<collective_slug:slug>/", views.collective_detail, name="detail"),
    path("<collective_slug:slug>/parametres/", views.collective_settings, name="settings"),
    path("<collective_slug:slug>/reunions/nouvelle/", views.meeting_create, name="meeting_create"),
]
