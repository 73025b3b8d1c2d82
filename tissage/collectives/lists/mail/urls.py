from django.urls import path

from . import views as views_mail

urlpatterns = [
    path("desabonnement/<str:token>/", views_mail.unsubscribe, name="unsubscribe"),
]
