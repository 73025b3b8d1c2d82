from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    path("<slug:slug>/", views.detail, name="detail"),
]
