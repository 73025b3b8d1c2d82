from django.urls import path

from . import views

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("projets/", views.project_list, name="list"),
    path("projets/<slug:slug>/", views.detail, name="detail"),
    path("projets/<slug:slug>/modifier/", views.edit, name="edit"),
    path("projets/<slug:slug>/rejoindre/", views.join, name="join"),
    path("projets/<slug:slug>/quitter/", views.leave, name="leave"),
    path("projets/<slug:slug>/equipe/", views.team, name="team"),
    path("projets/<slug:slug>/equipe/<int:membership_id>/", views.team_member, name="team_member"),
    path("projets/<slug:slug>/actualites/", views.news_list, name="news"),
    path("projets/<slug:slug>/actualites/nouvelle/", views.news_create, name="news_create"),
    path("projets/<slug:slug>/actualites/<int:pk>/", views.news_post, name="news_post"),
    path("projets/<slug:slug>/actualites.atom", views.news_feed, name="news_feed"),
    path("structures/<slug:organisation_slug>/nouveau-projet/", views.create, name="create"),
]
