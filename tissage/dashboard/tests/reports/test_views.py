import datetime

import pytest
from django.utils import timezone

from tissage.core.tests.factories import (
    CommuneFactory,
    OrganisationMembershipFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
)
from tissage.dashboard.figures import Period, Scope
from tissage.dashboard.forms import last_12_months
from tissage.organisations.models import OrganisationMembership
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

PERIOD = "?du=2026-01-01&au=2026-06-30"


def report_url(kind: str, slug: str, fmt: str = "") -> str:
    return f"/tableau-de-bord/rapports/{kind}/{slug}/{fmt + '/' if fmt else ''}"


@pytest.fixture
def project():
    return ProjectFactory()


def person_as(role: str, project: Project):
    """A person in `role` towards the project (and its organisation)."""
    match role:
        case "anonymous":
            return None
        case "outsider":
            return UserFactory()
        case "organisation admin" | "organisation facilitator":
            org_role = role.removeprefix("organisation ")
            return OrganisationMembershipFactory(
                organisation=project.organisation, role=org_role
            ).user
        case "project facilitator" | "project member":
            project_role = role.removeprefix("project ")
            return ProjectMembershipFactory(project=project, role=project_role).user
    raise AssertionError(role)


# docs/permissions.md, "Reports": who gets which answer.
MATRIX = [
    ("anonymous", 302, 302),
    ("outsider", 403, 403),
    ("project member", 403, 403),
    ("project facilitator", 403, 200),
    ("organisation facilitator", 200, 200),
    ("organisation admin", 200, 200),
]


@pytest.mark.parametrize(("role", "organisation_status", "project_status"), MATRIX)
@pytest.mark.parametrize("fmt", ["", "ods"])
def test_who_may_read_a_report(
    client, fake_figures, project, role, organisation_status, project_status, fmt
):
    if person := person_as(role, project):
        client.force_login(person)
    answer = client.get(report_url("structures", project.organisation.slug, fmt) + PERIOD)
    assert answer.status_code == organisation_status
    answer = client.get(report_url("projets", project.slug, fmt) + PERIOD)
    assert answer.status_code == project_status
    if role == "anonymous":
        assert answer["Location"].startswith("/compte/connexion/?next=")
    assert len(fake_figures) == (organisation_status == 200) + (project_status == 200)


def test_a_draft_project_is_hidden_from_whoever_is_not_in_its_team(client, fake_figures):
    draft = ProjectFactory(status=Project.Status.DRAFT)
    client.force_login(UserFactory())
    assert client.get(report_url("projets", draft.slug)).status_code == 404
    client.force_login(ProjectMembershipFactory(project=draft, role="facilitator").user)
    assert client.get(report_url("projets", draft.slug)).status_code == 200


def test_an_unknown_scope_or_slug_is_a_404(client, fake_figures, project):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get("/tableau-de-bord/rapports/collectifs/x/").status_code == 404
    assert client.get(report_url("projets", "nothing-here")).status_code == 404


@pytest.fixture
def facilitator(client, project):
    user = OrganisationMembershipFactory(
        organisation=project.organisation, role=OrganisationMembership.Role.FACILITATOR
    ).user
    client.force_login(user)
    return user


@pytest.mark.parametrize("fmt", ["", "pdf", "ods"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?du=2026-13-01", "Écrivez la date comme sur un calendrier"),
        ("?au=demain", "Écrivez la date comme sur un calendrier"),
        ("?du=2026-06-01&au=2026-01-01", "Le dernier jour est avant le premier."),
        ("?du=0001-01-01&au=2026-01-01", "Donnez une date entre 1900 et 2100."),
        ("?du=2026-01-01", "Indiquez le dernier jour de la période."),
        ("?au=99999-01-01", "Écrivez la date comme sur un calendrier"),
    ],
)
def test_a_bad_period_is_a_400_that_says_what_to_correct(
    client, fake_figures, facilitator, project, fmt, query, message
):
    answer = client.get(report_url("projets", project.slug, fmt) + query)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page
    assert 'name="du"' in page and 'name="au"' in page  # the form to correct them
    assert fake_figures == []


def test_the_period_reaches_the_figures(client, fake_figures, facilitator, project):
    client.get(report_url("projets", project.slug) + PERIOD)
    client.get(report_url("structures", project.organisation.slug))
    (scope, period), (org_scope, default) = fake_figures
    assert scope == Scope(
        organisation_id=project.organisation_id,
        project_id=project.pk,
        name=project.title,
        slug=project.slug,
    )
    assert period == Period(datetime.date(2026, 1, 1), datetime.date(2026, 6, 30))
    assert org_scope.organisation_id == project.organisation_id
    # Without dates: the twelve months up to today, as on the dashboard.
    assert default == last_12_months(timezone.localdate())


def test_the_printable_page(client, english, fake_figures, facilitator, project):
    page = client.get(report_url("projets", project.slug) + PERIOD).content.decode()
    assert f"{project.title}: mobilisation report" in page
    assert project.organisation.name in page
    assert "1 January 2026" in page and "30 June 2026" in page
    assert page.count('class="report-section') == 6
    # Each chart is an image with a table of the same figures next to it.
    assert page.count('role="img"') == 3
    assert page.count("<table") == 5
    assert "Plantation de haies à Saint-Jean" in page
    # 3 newcomers in April, 3 on the waiting list, 2 refused: hidden everywhere.
    assert "&lt; 5" in page
    assert ">3</td>" not in page and ">2</td>" not in page
    assert "dashboard/report.css" in page
    assert f"{report_url('projets', project.slug, 'pdf')}?du=2026-01-01&amp;au=2026-06-30" in page


def test_the_report_shows_the_organisations_logo(
    client, english, fake_figures, facilitator, project
):
    project.organisation.logo = "organisations/logos/logo.png"
    project.organisation.save(update_fields=["logo"])
    page = client.get(report_url("projets", project.slug)).content.decode()
    assert 'src="/media/organisations/logos/logo.png"' in page
    assert f'alt="Logo of {project.organisation.name}"' in page


def test_the_page_asks_a_constant_number_of_queries(
    client, fake_figures, facilitator, project, django_assert_num_queries, monkeypatch
):
    from tissage.dashboard import figures as module

    from .fakes import figures_example

    url = report_url("projets", project.slug)
    client.get(url)  # outlines in the cache
    # Session, user, project, its organisation, organisation staff, project role, communes'
    # ids.
    with django_assert_num_queries(7):
        client.get(url)
    many_communes = CommuneFactory.create_batch(40)
    monkeypatch.setattr(
        module,
        "figures_for",
        lambda scope, period: figures_example(scope, period, reached=many_communes),
    )
    client.get(url)
    with django_assert_num_queries(7):
        client.get(url)


def test_the_links_template_keeps_the_period(english):
    from django.template.loader import render_to_string

    html = render_to_string(
        "dashboard/reports/links.html",
        {
            "kind": "structures",
            "slug": "petr",
            "period": Period(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
        },
    )
    assert '/tableau-de-bord/rapports/structures/petr/pdf/?du=2026-01-01&amp;au=2026-03-31"' in html
    assert "/tableau-de-bord/rapports/structures/petr/ods/?du=" in html
    assert html.count("<a ") == 3


def test_members_cannot_reach_a_report_by_another_project(client, fake_figures, project):
    other = ProjectFactory(organisation=project.organisation)
    client.force_login(
        ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR).user
    )
    assert client.get(report_url("projets", other.slug)).status_code == 403
