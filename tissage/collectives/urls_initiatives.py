from django.urls import path

from .views_placeholder import not_yet

urlpatterns = [
    path("<slug:slug>/initiatives/", not_yet, name="initiatives"),
    path("<slug:slug>/initiatives/<int:pk>/", not_yet, name="initiative"),
]
