from django.urls import path

from .views_placeholder import not_yet

urlpatterns = [
    path("<slug:slug>/wiki/", not_yet, name="wiki"),
    path("<slug:slug>/wiki/<slug:page_slug>/", not_yet, name="wiki_page"),
]
