import pytest
from django.core.cache import cache
from django.utils import timezone

from tissage.core.tests.factories import (
    OrganisationFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.dashboard.figures import Scope
from tissage.dashboard.refresh import dashboard_refresh
from tissage.dashboard.tests.helpers import an_action, days_ago, registered
from tissage.projects.models import Project

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_projects_impact_page_is_public(client, fake_figures):
    project = ProjectFactory(title="Haies du Val")
    answer = client.get(f"/impact/projets/{project.slug}/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "What we achieved together with Haies du Val" in page
    assert '<span class="impact-number">137</span> people took part' in page
    assert '<span class="impact-number">12</span> actions held' in page
    assert '<span class="impact-number">514</span> hours given' in page
    assert '<span class="impact-number">58</span> items inventoried' in page
    assert '<span class="impact-number">4300</span> trees planted' in page
    assert '<span class="impact-number">3</span> communes reached' in page
    assert 'role="img"' in page  # the map
    # No personal data: no action, no name of anyone.
    assert "Plantation de haies" not in page
    # Since the project's start.
    ((scope, period),) = fake_figures
    assert scope == Scope(project_id=project.pk, name="Haies du Val")
    assert period.start == timezone.localdate(project.created_at)
    assert period.end == timezone.localdate()


def test_an_organisations_impact_page_is_public(client, fake_figures):
    organisation = OrganisationFactory(name="PETR du Val")
    answer = client.get(f"/impact/structures/{organisation.slug}/")
    assert answer.status_code == 200
    assert "What we achieved together with PETR du Val" in answer.content.decode()
    assert fake_figures[0][0].organisation_id == organisation.pk


def test_a_hidden_project_has_no_impact_page(client, fake_figures):
    draft = ProjectFactory(status=Project.Status.DRAFT)
    assert client.get(f"/impact/projets/{draft.slug}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/impact/projets/{draft.slug}/").status_code == 404
    assert client.get("/impact/projets/nothing-here/").status_code == 404
    assert client.get("/impact/structures/nothing-here/").status_code == 404
    assert fake_figures == []


def test_the_figures_are_kept_ten_minutes_but_access_is_checked_each_time(client, fake_figures):
    draft = ProjectFactory(status=Project.Status.DRAFT)
    team = ProjectMembershipFactory(project=draft, role="facilitator").user
    client.force_login(team)
    assert client.get(f"/impact/projets/{draft.slug}/").status_code == 200
    assert client.get(f"/impact/projets/{draft.slug}/").status_code == 200
    assert len(fake_figures) == 1  # the second answer came from the cache
    client.logout()
    assert client.get(f"/impact/projets/{draft.slug}/").status_code == 404
    cache.clear()
    client.force_login(team)
    client.get(f"/impact/projets/{draft.slug}/")
    assert len(fake_figures) == 2


def test_the_impact_page_asks_a_constant_number_of_queries(
    client, fake_figures, django_assert_num_queries
):
    project = ProjectFactory()
    client.get(f"/impact/projets/{project.slug}/")
    # The project, its first participation (where "since" begins), the communes' ids (their
    # outlines and the figures are cached).
    with django_assert_num_queries(3):
        client.get(f"/impact/projets/{project.slug}/")


def test_project_and_organisation_pages_link_to_their_impact(client):
    project = ProjectFactory()
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="/impact/projets/{project.slug}/"' in page
    page = client.get(project.organisation.get_absolute_url()).content.decode()
    assert f'href="/impact/structures/{project.organisation.slug}/"' in page


def test_since_the_start_counts_work_done_before_the_project_came_to_the_platform(
    client, fake_figures
):
    project = ProjectFactory(status=Project.Status.PUBLISHED)
    registered(an_action(project, days_ago(200)), 6)  # typed in after the fact
    dashboard_refresh(since=days_ago(400))

    client.get(f"/impact/projets/{project.slug}/")

    ((_scope, period),) = fake_figures
    assert period.start == days_ago(200)
    assert period.end == timezone.localdate()
