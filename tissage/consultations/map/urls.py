from django.urls import path

from . import views

urlpatterns = [
    path("<consultation_slug:slug>/carte/", views.map_page, name="map"),
    path("<consultation_slug:slug>/carte/donnees.json", views.map_data, name="map_data"),
]
