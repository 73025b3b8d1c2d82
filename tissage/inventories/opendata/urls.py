"""Open data: the data page, exports at stable addresses, the staff export, the import."""

from django.urls import path, register_converter

from tissage.core.converters import choice_converter

from . import views as views_data

register_converter(choice_converter(["csv", "ods", "xlsx", "geojson"]), "inventory_format")

urlpatterns = [
    path("<slug:slug>/donnees/", views_data.data_page, name="data"),
    # One name for the four open formats: reverse("inventories:export", args=[slug, "csv"]).
    path("<slug:slug>/export.<inventory_format:fmt>", views_data.export, name="export"),
    path("<slug:slug>/merimee.csv", views_data.export_merimee, name="export_merimee"),
    path("<slug:slug>/photos.zip", views_data.export_photos, name="export_photos"),
    path("<slug:slug>/export-equipe.csv", views_data.export_staff, name="export_staff"),
    path("<slug:slug>/importer/", views_data.import_upload, name="import"),
    path("<slug:slug>/importer/<int:pk>/", views_data.import_review, name="import_review"),
]
