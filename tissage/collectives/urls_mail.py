from django.urls import path

from .views_placeholder import not_yet

urlpatterns = [
    path("desabonnement/<str:token>/", not_yet, name="unsubscribe"),
]
