from django.urls import include, path, register_converter

from tissage.core.converters import slug_converter

from .collective.services import RESERVED_SLUGS

# A collective's slug is never one of the fixed words of these addresses (RESERVED_SLUGS),
# so the modules below share the `collectives` namespace and match in any order.
register_converter(slug_converter(RESERVED_SLUGS), "collective_slug")

app_name = "collectives"
urlpatterns = [
    path("", include("tissage.collectives.collective.urls")),
    path("", include("tissage.collectives.membership.urls")),
    path("", include("tissage.collectives.lists.urls")),
    path("", include("tissage.collectives.lists.mail.urls")),
    path("", include("tissage.collectives.wiki.urls")),
    path("", include("tissage.collectives.initiatives.urls")),
]
