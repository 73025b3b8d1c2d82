from django.urls import path

from . import views

app_name = "engagement"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("<int:pk>/lue/", views.notification_read, name="read"),
    path("tout-lu/", views.notifications_read_all, name="read_all"),
    path("suivre/<slug:kind>/<int:pk>/", views.follow, name="follow"),
    path("suivis/", views.follows, name="follows"),
    path("suivis/<int:pk>/ne-plus-suivre/", views.follow_stop, name="follow_stop"),
    path("reglages/", views.delivery_settings, name="settings"),
    path("desabonner/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
