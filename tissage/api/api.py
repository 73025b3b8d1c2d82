"""The REST API, version 1: one NinjaAPI instance, its routers by domain.

Public reads live in `public/` (one router per domain), staff writes with personal
tokens in `staff/`. The OpenAPI 3.1 schema is generated from the code at
`/api/v1/openapi.json` and browsable at `/api/v1/docs` (Swagger UI shipped inside the
django-ninja package, served by our static files: no CDN, no inline script).

The document is written in English, once per process (it is built in no request's
language); the error messages are translated for each request (`errors.py`).
"""

from ninja import NinjaAPI

from .errors import errors_install
from .public import actions, collectives, consultations, inventories, organisations, projects
from .staff.views import staff_install

DESCRIPTION = """\
The open data of the territory: organisations, projects, actions and work-days, inventory
campaigns and their items, collectives' initiatives and consultations.

**Reading needs no key**: everything here is what an anonymous visitor of the site sees,
whoever asks (a session cookie changes nothing). Any website may read it from the browser
(CORS), without credentials.

- **Lists** are paged with a cursor: follow the `next` address (also in the `Link`
  header) until it is null; `limit` sets the page size (at most 200).
- **Polling**: every answer has an `ETag` and a `Last-Modified`; send them back in
  `If-None-Match` (or `If-Modified-Since`) and get `304 Not Modified` when nothing changed.
  `updated_since` gives only the rows changed since a moment.
- **Licence**: every answer's `meta` says under which licence the data may be reused and
  how to credit it; inventory items are under their campaign's licence.
- **Errors** are JSON with a `message` and the fields to correct (`errors`), in French, or
  in English with `Accept-Language: en`. What an anonymous visitor may not see answers
  404, as on the site.
- **Staff** of an organisation write with a personal token (the last group below).
"""

TAGS = [
    {"name": "Organisations", "description": "The structures that run projects."},
    {"name": "Projects", "description": "Published and archived projects."},
    {"name": "Actions", "description": "Work-days, meetings, workshops, with places left."},
    {
        "name": "Inventories",
        "description": "Participatory inventory campaigns and their published items "
        "(GeoJSON, public points only).",
    },
    {"name": "Collectives", "description": "Initiatives of the collectives with a public archive."},
    {"name": "Consultations", "description": "Published consultations, their state and dates."},
    {
        "name": "Staff (personal token)",
        "description": "For the staff of an organisation, with a personal API token made on "
        "the account page (`Authorization: Bearer …`): create and change actions, read "
        "their registrants, moderate inventory items. Writes are rate-limited per token.",
    },
]

api = NinjaAPI(
    title="Tissage",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    openapi_extra={"tags": TAGS},
)
errors_install(api)

for module in (organisations, projects, actions, inventories, collectives, consultations):
    api.add_router("/", module.router)
staff_install(api)
