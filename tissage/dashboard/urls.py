from django.urls import include, path

app_name = "dashboard"
urlpatterns = [
    path("", include("tissage.dashboard.reports.urls")),
]
