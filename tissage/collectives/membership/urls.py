from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<slug:slug>/rejoindre/", views.join, name="join"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/membres/<int:membership_id>/", views.member, name="member"),
    path("<slug:slug>/mes-emails/", views.delivery, name="delivery"),
]
