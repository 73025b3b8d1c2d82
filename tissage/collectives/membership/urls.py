from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("<collective_slug:slug>/rejoindre/", views.join, name="join"),
    path("<collective_slug:slug>/quitter/", views.leave, name="leave"),
    path("<collective_slug:slug>/membres/", views.members, name="members"),
    path("<collective_slug:slug>/membres/<int:membership_id>/", views.member, name="member"),
    path("<collective_slug:slug>/mes-emails/", views.delivery, name="delivery"),
    path(
        "<collective_slug:slug>/mes-emails/reprendre/",
        views.delivery_resume,
        name="delivery_resume",
    ),
]
