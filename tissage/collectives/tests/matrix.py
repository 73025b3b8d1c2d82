"""The outcomes of the collectives' role matrices (docs/permissions.md, Collectives).

Outcomes: ok (200, or the redirect after a POST), login (sent to sign in), forbidden
(403), not_found (404).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url

from tissage.collectives.models import Collective
from tissage.collectives.tests.factories import CollectiveFactory

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "forbidden", "not_found"
SITUATIONS = [
    (visibility, admission)
    for visibility in Collective.ArchiveVisibility.values
    for admission in Collective.Admission.values
]
MODERATORS = {"coordinator", "organisation_staff", "superuser"}
ACTIVE = {"member", "coordinator"}


def outcome(response) -> str:
    if response.status_code == 302 and response["Location"].startswith(
        resolve_url(settings.LOGIN_URL)
    ):
        return LOGIN
    return {200: OK, 302: OK, 403: FORBIDDEN, 404: NOT_FOUND}[response.status_code]


def expected(role: str, allowed: set[str]) -> str:
    if role in allowed:
        return OK
    return LOGIN if role == "anonymous" else FORBIDDEN


def collective_in(visibility: str, admission: str) -> Collective:
    return CollectiveFactory(archive_visibility=visibility, admission=admission)
