from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("", views.communes, name="communes"),
    path("suggestions/", views.suggestions, name="suggestions"),
]
