from django.urls import URLPattern, path

from . import views as views_core

urlpatterns: list[URLPattern] = [
    path("", views_core.collective_list, name="list"),
    path("nouveau/<slug:organisation_slug>/", views_core.collective_create, name="create"),
    path("<slug:slug>/", views_core.collective_detail, name="detail"),
    path("<slug:slug>/parametres/", views_core.collective_settings, name="settings"),
    path("<slug:slug>/rejoindre/", views_core.join, name="join"),
    path("<slug:slug>/quitter/", views_core.leave, name="leave"),
    path("<slug:slug>/membres/", views_core.members, name="members"),
    path("<slug:slug>/membres/<int:membership_id>/", views_core.member, name="member"),
    path("<slug:slug>/mes-emails/", views_core.delivery, name="delivery"),
    path("<slug:slug>/reunions/nouvelle/", views_core.meeting_create, name="meeting_create"),
]
