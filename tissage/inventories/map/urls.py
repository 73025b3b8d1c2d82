from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/carte/", views.map_page, name="map"),
    path("<campaign_slug:slug>/carte.geojson", views.map_data, name="map_data"),
    # Any text for z, x and y: the view answers a clear message when they are not numbers.
    # A rectangle's tiles (columns x to x_last, rows y to y_last): a view's, in one request.
    path(
        "<campaign_slug:slug>/carte/vue/<str:z>/<str:x>-<str:x_last>/<str:y>-<str:y_last>.json",
        views.map_tiles,
        name="map_tiles",
    ),
    path(
        "<campaign_slug:slug>/carte/tuiles/<str:z>/<str:x>/<str:y>.json",
        views.map_tile,
        name="map_tile",
    ),
]
