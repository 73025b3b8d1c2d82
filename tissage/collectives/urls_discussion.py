from django.urls import path

from .views_placeholder import not_yet

urlpatterns = [
    path("<slug:slug>/discussions/", not_yet, name="threads"),
    path("<slug:slug>/discussions/<int:thread_id>/", not_yet, name="thread"),
    path("<slug:slug>/messages/<int:message_id>/", not_yet, name="message"),
    path("<slug:slug>/moderation/", not_yet, name="moderation"),
]
