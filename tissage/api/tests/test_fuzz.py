"""Schemathesis runs against the live API, as an anonymous client: no 5xx, and every
answer as the OpenAPI document says (status, content type, headers, body)."""

import pytest

from tissage.actions.tests.helpers import register
from tissage.api.tests.builders import a_campaign, an_action, an_initiative, an_item
from tissage.api.tests.fuzz import fuzz
from tissage.consultations.tests.factories import ConsultationFactory
from tissage.core.tests.factories import CommuneFactory, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_schemathesis_finds_no_failure_in_the_public_api(live_server):
    project = ProjectFactory(slug="haies")
    project.communes.add(CommuneFactory(insee_code="26108"))
    action = an_action(project, longitude=5.02, latitude=44.73)
    register(action, 1)
    campaign = a_campaign(project)
    item = an_item(campaign, obscure_location=True)
    an_item(campaign)
    initiative = an_initiative()
    ConsultationFactory(project=project, slug="consultation")
    known = {
        "slug": project.slug,
        "item_id": item.pk,
        "initiative_id": initiative.pk,
    }

    operations = fuzz(live_server.url, include=r"^/api/v1/(?!staff/)", known=known)

    assert len(operations) == 14
    assert "GET /api/v1/campaigns/{slug}/items" in operations
