from django.urls import include, path

app_name = "dashboard"
urlpatterns: list = [
    path("a-traiter/", include("tissage.dashboard.workspace.urls")),
]
