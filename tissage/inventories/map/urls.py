from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/carte/", views.map_page, name="map"),
    path("<campaign_slug:slug>/carte.geojson", views.map_data, name="map_data"),
    # Any text for z, x and y: the view answers a clear message when they are not numbers.
    path(
        "<campaign_slug:slug>/carte/tuiles/<str:z>/<str:x>/<str:y>.json",
        views.map_tile,
        name="map_tile",
    ),
]
