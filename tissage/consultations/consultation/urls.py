from django.urls import path

from . import views

urlpatterns = [
    path("<consultation_slug:slug>/", views.detail, name="detail"),
]
