from django.urls import path

from . import views

urlpatterns = [
    path("confirmer/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("<campaign_slug:slug>/contribuer/", views.contribute, name="contribute"),
    path("<campaign_slug:slug>/proches/", views.nearby, name="nearby"),
    path("<campaign_slug:slug>/fiches/", views.item_list, name="items"),
    path("<campaign_slug:slug>/fiches/<int:pk>/", views.item_detail, name="item"),
    path("<campaign_slug:slug>/fiches/<int:pk>/completer/", views.item_answer, name="item_answer"),
]
