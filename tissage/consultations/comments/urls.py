from django.urls import path

from . import views

urlpatterns = [
    path("propositions/<int:pk>/commenter/", views.comment, name="comment"),
    path("commentaires/<int:pk>/signaler/", views.report, name="report"),
    path("commentaires/<int:pk>/masquer/", views.comment_hide, name="comment_hide"),
    path("<consultation_slug:slug>/moderation/", views.moderation, name="moderation"),
]
