from django.urls import path, register_converter

from tissage.core.converters import choice_converter

from . import views

register_converter(choice_converter(("image", "thumbnail")), "photo_size")

urlpatterns = [
    path("photos/<int:pk>/<photo_size:size>/", views.photo, name="photo"),
    path("confirmer/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("<campaign_slug:slug>/contribuer/", views.contribute, name="contribute"),
    path("<campaign_slug:slug>/proches/", views.nearby, name="nearby"),
    path("<campaign_slug:slug>/photos-gardees/", views.photos_stage, name="photos_stage"),
    path(
        "<campaign_slug:slug>/photos-gardees/<uuid:key>/<int:pk>/",
        views.staged_photo,
        name="staged_photo",
    ),
    path("<campaign_slug:slug>/fiches/", views.item_list, name="items"),
    path("<campaign_slug:slug>/fiches.atom", views.items_feed, name="items_feed"),
    path("<campaign_slug:slug>/fiches/<int:pk>/", views.item_detail, name="item"),
    path("<campaign_slug:slug>/fiches/<int:pk>/completer/", views.item_answer, name="item_answer"),
]
