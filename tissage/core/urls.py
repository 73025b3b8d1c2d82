from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("readyz/", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("mentions-legales/", views.legal, name="legal"),
    path("style/", views.style_guide, name="style_guide"),
    path("recherche/", views.search_page, name="search"),
    path("oembed/", views.oembed, name="oembed"),
]
