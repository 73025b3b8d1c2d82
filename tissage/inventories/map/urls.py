from django.urls import path

from . import views as views_map

urlpatterns = [
    path("<slug:slug>/carte/", views_map.map_page, name="map"),
    path("<slug:slug>/carte.geojson", views_map.map_data, name="map_data"),
]
