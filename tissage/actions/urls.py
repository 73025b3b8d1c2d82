from django.urls import include, path

app_name = "actions"
urlpatterns = [
    path("", include("tissage.actions.agenda.urls")),
    path("", include("tissage.actions.registration.urls")),
    path("", include("tissage.actions.manage.urls")),
    path("", include("tissage.actions.attendance.urls")),
    path("", include("tissage.actions.needs.urls")),
    path("", include("tissage.actions.volunteers.urls")),
    path("", include("tissage.actions.widgets.urls")),
]
