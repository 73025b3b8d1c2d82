from django.urls import path

from . import views

urlpatterns = [
    path("<consultation_slug:slug>/reponses/", views.answers, name="answers"),
    path("propositions/<int:pk>/repondre/", views.answer, name="answer"),
    path("propositions/<int:pk>/masquer/", views.hide, name="hide"),
    path("<consultation_slug:slug>/terminer/", views.finish, name="finish"),
]
