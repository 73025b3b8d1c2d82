from django.urls import path

from . import views

app_name = "inventories"
urlpatterns = [
    path("<slug:slug>/carte.geojson", views.map_data, name="map_data"),
]
