from django.urls import path

from .views_placeholder import not_yet

urlpatterns = [
    path("", not_yet, name="list"),
    path("<slug:slug>/", not_yet, name="detail"),
    path("<slug:slug>/membres/", not_yet, name="members"),
]
