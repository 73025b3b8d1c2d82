from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tissage.accounts.views import language_switch
from tissage.api.api import api as api_v1
from tissage.core.views import public_media

handler400 = "tissage.core.views.bad_request"
handler403 = "tissage.core.views.permission_denied"
handler404 = "tissage.core.views.page_not_found"
handler500 = "tissage.core.views.server_error"

urlpatterns = [
    path("", include("tissage.core.urls")),
    path("", include("tissage.projects.urls")),
    path("structures/", include("tissage.organisations.urls")),
    path("inventaires/", include("tissage.inventories.urls")),
    path("actions/", include("tissage.actions.urls")),
    path("collectifs/", include("tissage.collectives.urls")),
    path("consultations/", include("tissage.consultations.urls")),
    path("compte/jetons-api/", include("tissage.api.tokens.urls")),
    path("compte/", include("tissage.accounts.urls")),
    path("communes/", include("tissage.territories.urls")),
    path("notifications/", include("tissage.engagement.urls")),
    path("tableau-de-bord/", include("tissage.dashboard.urls")),
    path("impact/", include("tissage.dashboard.impact.urls")),
    path("api/v1/", api_v1.urls),
    path("langue/", language_switch, name="set_language"),
    # The admin has no login form of its own: people sign in with their emailed code.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True),
    ),
    path("admin/", admin.site.urls),
    # Public uploaded files. A reverse proxy in front should serve /media/ itself; this
    # keeps the demo and small installations working with nothing else to configure.
    # Private files are in another folder, served only by the views that check access.
    path("media/<path:path>", public_media),
]
