from django.urls import include, path

from .contributions import views

app_name = "inventories"
urlpatterns = [
    path("confirmer/<str:token>/", views.guest_confirm, name="guest_confirm"),
    path("<slug:slug>/", views.campaign_detail, name="campaign"),
    path("<slug:slug>/contribuer/", views.contribute, name="contribute"),
    path("<slug:slug>/proches/", views.nearby, name="nearby"),
    path("<slug:slug>/fiches/", views.item_list, name="items"),
    path("<slug:slug>/fiches/<int:pk>/", views.item_detail, name="item"),
    path("<slug:slug>/fiches/<int:pk>/completer/", views.item_answer, name="item_answer"),
    # Each of these modules owns its pages; they share the `inventories` namespace.
    path("", include("tissage.inventories.map.urls")),
    path("", include("tissage.inventories.moderation.urls")),
    path("", include("tissage.inventories.opendata.urls")),
    path("", include("tissage.inventories.campaigns.urls")),
]
