from django.urls import include, path

app_name = "collectives"
urlpatterns = [
    # Each of these modules owns its pages; they share the `collectives` namespace.
    # Fixed words first: a collective's slug can never be one of them (RESERVED_SLUGS).
    path("", include("tissage.collectives.lists.mail.urls")),
    path("", include("tissage.collectives.lists.urls")),
    path("", include("tissage.collectives.wiki.urls")),
    path("", include("tissage.collectives.initiatives.urls")),
    path("", include("tissage.collectives.membership.urls")),
    path("", include("tissage.collectives.collective.urls")),
]
