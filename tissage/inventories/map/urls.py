from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/carte/", views.map_page, name="map"),
    path("<campaign_slug:slug>/carte.geojson", views.map_data, name="map_data"),
]
