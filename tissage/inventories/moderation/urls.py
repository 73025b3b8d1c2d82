from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/moderation/", views.queue, name="queue"),
    path("<campaign_slug:slug>/moderation/<int:pk>/", views.moderate, name="moderate"),
    path(
        "<campaign_slug:slug>/moderation/<int:pk>/decision/",
        views.decide,
        name="moderate_decide",
    ),
    path(
        "<campaign_slug:slug>/moderation/<int:pk>/modifier/",
        views.edit,
        name="moderate_edit",
    ),
    path(
        "<campaign_slug:slug>/moderation/<int:pk>/fusionner/",
        views.merge,
        name="moderate_merge",
    ),
]
