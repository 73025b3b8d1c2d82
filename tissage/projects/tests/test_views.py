"""The project page: what it invites a visitor to do."""

from __future__ import annotations

import re

import pytest

from tissage.core.tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_call_to_action_leads_to_taking_part_not_to_signing_in(client):
    """Issue #13: the main button was "Join the project", a sign-in for a visitor."""
    from tissage.actions.tests.helpers import an_action
    from tissage.inventories.tests.helpers import heritage_campaign

    project = ProjectFactory(status="published")
    campaign = heritage_campaign(project=project)
    action = an_action(project)
    client.cookies["django_language"] = "en"

    page = client.get(project.get_absolute_url()).content.decode()
    box = page.split('id="cta"', 1)[1].split("</section>", 1)[0]

    first = re.search(r'<a class="button([^"]*)" href="([^"]+)"', box)
    assert first is not None
    assert first.group(2) == f"/inventaires/{campaign.slug}/contribuer/"
    assert "button-secondary" not in first.group(1)
    assert f'href="/actions/{action.slug}/"' in box
    join = re.search(r'<button type="submit" class="([^"]+)">Join the project', box)
    assert join is not None and "button-secondary" in join.group(1)

    # Once a member, the box still offers the ways to take part.
    client.force_login(UserFactory())
    client.post(f"/projets/{project.slug}/rejoindre/")
    box = client.get(project.get_absolute_url()).content.decode().split('id="cta"', 1)[1]
    assert f"/inventaires/{campaign.slug}/contribuer/" in box.split("</section>", 1)[0]


def test_a_kept_project_card_shows_every_change_at_once(client):
    """Project cards are rendered once per state and kept (core.cards): a change that
    leaves the project's date alone (a `update()`, its organisation renamed, a member
    more) still shows at once on the home page, the project list and the organisation's
    page, which show the same card."""
    from tissage.core.tests.factories import ProjectFactory, ProjectMembershipFactory
    from tissage.organisations.models import Organisation
    from tissage.projects.models import Project

    project = ProjectFactory(title="Haies du Vidourle")
    urls = ("/", "/projets/", project.organisation.get_absolute_url())
    cards = set()
    for url in urls:
        page = client.get(url).content.decode()
        assert "Haies du Vidourle" in page and "0 personne" in page, url
        cards.add(re.search(r'<article class="card">.*?</article>', page, re.S).group())
    assert len(cards) == 1
    Project.objects.filter(pk=project.pk).update(summary="Planter trois kilomètres de haies.")
    Organisation.objects.filter(pk=project.organisation_id).update(name="Syndicat du Vidourle")
    ProjectMembershipFactory(project=project)
    for url in urls:
        page = client.get(url).content.decode()
        assert "Planter trois kilomètres de haies." in page, url
        assert "Syndicat du Vidourle" in page, url
        assert "1 personne" in page, url


def test_the_page_counts_the_people_taking_part_read_with_the_project(client):
    """The count is read with the project (`with_member_count`), not by a query of its
    own: members and facilitators of this project, no one else's."""
    from tissage.core.tests.factories import ProjectMembershipFactory

    project = ProjectFactory(status="published")
    ProjectMembershipFactory(project=ProjectFactory(status="published"))
    client.cookies["django_language"] = "fr"

    def count_shown() -> str:
        box = client.get(project.get_absolute_url()).content.decode().split('id="cta"', 1)[1]
        found = re.search(r"(\d+) personnes? particip", box.split("</section>", 1)[0])
        assert found is not None
        return found.group(1)

    assert count_shown() == "0"
    ProjectMembershipFactory(project=project, role="facilitator")
    ProjectMembershipFactory.create_batch(2, project=project)
    assert count_shown() == "3"
