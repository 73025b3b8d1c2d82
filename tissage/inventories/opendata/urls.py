"""Open data: the data page, exports at stable addresses, the staff export, the import."""

from django.urls import path, register_converter

from tissage.core.converters import choice_converter

from . import views

register_converter(choice_converter(["csv", "ods", "xlsx", "geojson"]), "inventory_format")

urlpatterns = [
    path("<campaign_slug:slug>/donnees/", views.data_page, name="data"),
    # One name for the four open formats: reverse("inventories:export", args=[slug, "csv"]).
    path("<campaign_slug:slug>/export.<inventory_format:fmt>", views.export, name="export"),
    path("<campaign_slug:slug>/merimee.csv", views.export_merimee, name="export_merimee"),
    path("<campaign_slug:slug>/photos.zip", views.export_photos, name="export_photos"),
    path("<campaign_slug:slug>/export-equipe.csv", views.export_staff, name="export_staff"),
    path("<campaign_slug:slug>/importer/", views.import_upload, name="import"),
    path("<campaign_slug:slug>/importer/<int:pk>/", views.import_review, name="import_review"),
]
