"""The REST API, version 1: one NinjaAPI instance, its routers by domain.

Public reads live in `public/` (one router per domain), staff writes with personal
tokens in `staff/`. The OpenAPI 3.1 schema is generated from the code at
`/api/v1/openapi.json` and browsable at `/api/v1/docs` (Swagger UI shipped inside the
django-ninja package, served by our static files: no CDN, no inline script).
"""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from tissage.api.staff.views import staff_install

api = NinjaAPI(
    title="Tissage",
    version="1",
    description=str(
        _(
            "Open data of the territory: organisations, projects, actions, inventories, "
            "collectives' initiatives and consultations. Reading needs no key."
        )
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

staff_install(api)
