from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/moderation/", views.queue, name="queue"),
    path("<slug:slug>/moderation/<int:pk>/", views.moderate, name="moderate"),
    path(
        "<slug:slug>/moderation/<int:pk>/decision/",
        views.decide,
        name="moderate_decide",
    ),
    path(
        "<slug:slug>/moderation/<int:pk>/modifier/",
        views.edit,
        name="moderate_edit",
    ),
    path(
        "<slug:slug>/moderation/<int:pk>/fusionner/",
        views.merge,
        name="moderate_merge",
    ),
]
