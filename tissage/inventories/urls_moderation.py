from django.urls import path

from . import views_moderation

urlpatterns = [
    path("<slug:slug>/moderation/", views_moderation.queue, name="queue"),
    path("<slug:slug>/moderation/<int:pk>/", views_moderation.moderate, name="moderate"),
    path(
        "<slug:slug>/moderation/<int:pk>/decision/",
        views_moderation.decide,
        name="moderate_decide",
    ),
    path(
        "<slug:slug>/moderation/<int:pk>/modifier/",
        views_moderation.edit,
        name="moderate_edit",
    ),
    path(
        "<slug:slug>/moderation/<int:pk>/fusionner/",
        views_moderation.merge,
        name="moderate_merge",
    ),
]
