"""The inventories' widgets (frames for other websites) and the "Embed on a website" page."""

from django.urls import path

from . import views

urlpatterns = [
    path("<campaign_slug:slug>/widget/carte/", views.campaign_map, name="widget_map"),
    path("<campaign_slug:slug>/widget/progression/", views.progress, name="widget_progress"),
    path("<campaign_slug:slug>/fiches/<int:pk>/widget/", views.item, name="widget_item"),
    path("<campaign_slug:slug>/integrer/", views.embed, name="embed"),
]
