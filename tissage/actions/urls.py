from django.urls import include, path

from . import views

app_name = "actions"
urlpatterns = [
    path("annuler/<str:token>/", views.cancel, name="cancel"),
    # Each of these modules owns its pages; they share the `actions` namespace.
    path("", include("tissage.actions.urls_agenda")),
    path("", include("tissage.actions.urls_manage")),
    path("", include("tissage.actions.urls_after")),
    path("", include("tissage.actions.urls_more")),
    path("", include("tissage.actions.urls_volunteers")),
    path("<slug:slug>/", views.detail, name="detail"),
]
