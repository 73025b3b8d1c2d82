from django.urls import path

from . import views

urlpatterns = [
    path("<collective_slug:slug>/discussions/", views.threads, name="threads"),
    path("<collective_slug:slug>/discussions/nouvelle/", views.thread_create, name="thread_create"),
    path("<collective_slug:slug>/discussions/<int:thread_id>/", views.thread, name="thread"),
    path("<collective_slug:slug>/discussions/<int:thread_id>/repondre/", views.reply, name="reply"),
    path("<collective_slug:slug>/messages/<int:message_id>/", views.message, name="message"),
    path(
        "<collective_slug:slug>/messages/<int:message_id>/masquer/",
        views.message_hide,
        name="message_hide",
    ),
    path(
        "<collective_slug:slug>/messages/<int:message_id>/afficher/",
        views.message_unhide,
        name="message_unhide",
    ),
    path(
        "<collective_slug:slug>/messages/<int:message_id>/approuver/",
        views.message_approve,
        name="message_approve",
    ),
    path(
        "<collective_slug:slug>/messages/<int:message_id>/signaler/",
        views.message_report,
        name="message_report",
    ),
    path(
        "<collective_slug:slug>/fichiers/<int:attachment_id>/<str:filename>",
        views.attachment,
        name="attachment",
    ),
    path("<collective_slug:slug>/moderation/", views.moderation, name="moderation"),
    path(
        "<collective_slug:slug>/moderation/emails/<int:mail_id>/", views.held_mail, name="held_mail"
    ),
    path(
        "<collective_slug:slug>/moderation/signalements/<int:report_id>/ignorer/",
        views.report_dismiss,
        name="report_dismiss",
    ),
]
