from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/modifier/", views.edit, name="edit"),
    path("<slug:slug>/equipe/", views.team, name="team"),
    path("<slug:slug>/equipe/<int:membership_id>/", views.team_member, name="team_member"),
]
