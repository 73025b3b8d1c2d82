from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("", views.centre, name="list"),
    path("reglages/", views.delivery_settings, name="settings"),
    path("desabonner/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
