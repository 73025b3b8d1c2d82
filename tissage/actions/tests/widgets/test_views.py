"""The actions' widgets: a project's and a commune's agenda, an action's card with its
register button, and their "Embed on a website" pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tissage.actions.manage.services import RoleInput, action_create
from tissage.actions.tests.helpers import make_action, past_action, person
from tissage.core.tests.factories import CommuneFactory, ProjectFactory, ProjectMembershipFactory
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db


def an_action(project, *, title: str = "Plantation", days: float = 7, **fields):
    starts_at = timezone.now() + datetime.timedelta(days=days)
    fields.setdefault("status", "published")
    return action_create(
        project=project,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=3),
        roles=[RoleInput("Planter", 5)],
        **fields,
    )


def agenda_url(project) -> str:
    return reverse("actions:widget_agenda_project", args=[project.slug])


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# --- The agenda ----------------------------------------------------------------------------


def test_a_project_agenda_lists_its_next_public_actions(client):
    project = ProjectFactory()
    sooner = an_action(project, title="Sooner")
    an_action(project, title="Draft", status="draft")
    an_action(project, title="Cancelled", status="cancelled")
    past_action(project)
    an_action(ProjectFactory(), title="Elsewhere")
    response = client.get(agenda_url(project))
    assert response.status_code == 200
    page = response.content.decode()
    assert [line.action for line in response.context["lines"]] == [sooner]
    for hidden in ("Draft", "Cancelled", "Plantation", "Elsewhere"):
        assert hidden not in page
    assert f'href="{reverse("actions:detail", args=[sooner.slug])}"' in page
    assert "5 places restantes" in page
    # The link back: the whole agenda of the project, on the platform.
    assert f'href="{reverse("actions:agenda")}?project={project.slug}"' in page


def test_an_empty_agenda_says_so(client):
    project = ProjectFactory()
    page = client.get(agenda_url(project) + "?lang=en").content.decode()
    assert "No action planned at the moment." in page


def test_a_full_action_says_so_in_the_agenda(client):
    action = make_action(places=1)
    Role = action.roles.model
    Role.objects.filter(action=action).exclude(name="Planter").delete()
    person(action, 1)
    page = client.get(agenda_url(action.project)).content.decode()
    assert "Complet" in page


def test_a_draft_project_agenda_is_not_found_even_for_its_team(client):
    project = ProjectFactory(status=Project.Status.DRAFT)
    an_action(project, title="Secret")
    member = ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR)
    client.force_login(member.user)
    response = client.get(agenda_url(project))
    assert response.status_code == 404
    assert "Secret" not in response.content.decode()
    assert client.get(reverse("actions:widget_agenda_project", args=["nope"])).status_code == 404


def test_the_agenda_reads_in_a_constant_number_of_queries(client):
    project = ProjectFactory()
    for number in range(2):
        action = an_action(project, title=f"Action {number}", commune=CommuneFactory())
        person(action, number)
    few = queries(client, agenda_url(project))
    for number in range(2, 20):
        action = an_action(project, title=f"Action {number}", commune=CommuneFactory())
        person(action, number)
    many = queries(client, agenda_url(project))
    assert few == many
    assert many <= 5


def test_a_commune_agenda_lists_the_actions_held_there(client):
    commune = CommuneFactory(name="Crest")
    here = an_action(ProjectFactory(), title="Here", commune=commune)
    an_action(ProjectFactory(), title="There", commune=CommuneFactory())
    an_action(ProjectFactory(status=Project.Status.DRAFT), title="Hidden", commune=commune)
    response = client.get(reverse("actions:widget_agenda_commune", args=[commune.insee_code]))
    assert response.status_code == 200
    assert [line.action for line in response.context["lines"]] == [here]
    assert "Crest" in response.content.decode()
    assert client.get(reverse("actions:widget_agenda_commune", args=["99999"])).status_code == 404


# --- An action's card ----------------------------------------------------------------------


def card(client, action, query: str = ""):
    return client.get(reverse("actions:widget_action", args=[action.slug]) + query)


def test_the_card_links_to_the_action_page_to_register(client):
    action = make_action(places=10)
    person(action, 1)
    response = card(client, action)
    page = response.content.decode()
    assert action.title in page
    assert "11 places restantes" in page
    detail = reverse("actions:detail", args=[action.slug])
    assert f'<a class="widget-button" href="{detail}#register-title">S’inscrire</a>' in page
    # No form: a form in another site's frame would need its cookies.
    assert "<form" not in page and "csrfmiddlewaretoken" not in page


def test_the_card_of_a_full_action_offers_the_waiting_list_or_nothing(client):
    action = make_action(places=1, capacity=1)
    person(action, 1)
    page = card(client, action, "?lang=en").content.decode()
    assert "Full: a waiting list is open." in page
    assert "Join the waiting list</a>" in page
    action.waiting_list = False
    action.save(update_fields=["waiting_list"])
    page = card(client, action, "?lang=en").content.decode()
    assert "widget-button" not in page
    assert "Full</p>" in page


def test_the_card_of_a_cancelled_or_closed_action_has_no_button(client):
    cancelled = make_action(status="cancelled")
    page = card(client, cancelled, "?lang=en").content.decode()
    assert "widget-button" not in page
    assert "This action is cancelled." in page
    past = past_action()
    page = card(client, past, "?lang=en").content.decode()
    assert "widget-button" not in page
    assert "Registration is closed." in page


def test_the_card_of_a_draft_is_not_found(client):
    draft = make_action(status="draft")
    assert card(client, draft).status_code == 404


def test_the_card_reads_in_few_queries(client):
    action = make_action()
    for number in range(2):
        person(action, number)
    few = queries(client, reverse("actions:widget_action", args=[action.slug]))
    for number in range(2, 9):
        person(action, number)
    assert queries(client, reverse("actions:widget_action", args=[action.slug])) == few <= 6


# --- "Embed on a website" ------------------------------------------------------------------


def test_the_embed_page_gives_the_code_and_a_preview(client):
    action = make_action()
    url = reverse("actions:embed_action", args=[action.slug])
    response = client.get(url, {"couleur": "#ffcc00", "lang": "en"})
    assert response.status_code == 200
    page = response.content.decode()
    widget = f"http://testserver{reverse('actions:widget_action', args=[action.slug])}"
    code = f"{widget}?couleur=ffcc00&amp;lang=en"
    # The preview is the widget itself; the code is shown escaped, to copy.
    assert f'<iframe class="embed-preview" src="{code}"' in page
    assert f"&lt;iframe src=&quot;{code.replace('&', '&amp;')}&quot;" in page
    assert 'readonly>&lt;iframe src="' not in page


def test_the_embed_page_leaves_defaults_out_of_the_code(client):
    action = make_action()
    page = client.get(reverse("actions:embed_action", args=[action.slug])).content.decode()
    widget = f"http://testserver{reverse('actions:widget_action', args=[action.slug])}"
    assert f"&lt;iframe src=&quot;{widget}&quot;" in page
    # The colour picker starts on the platform's colour, not the browser's black.
    assert 'type="color" name="couleur" value="#1d5b3a"' in page


@pytest.mark.parametrize("colour", ["red", "#12", "#gggggg", "x" * 50])
def test_a_bad_colour_is_explained(client, colour):
    action = make_action()
    response = client.get(
        reverse("actions:embed_action", args=[action.slug]), {"couleur": colour, "lang": "fr"}
    )
    assert response.status_code == 400
    assert "errors" in response.content.decode()
    assert "couleur=" not in response.content.decode().split("embed-preview")[-1]


def test_a_bad_language_is_explained(client):
    action = make_action()
    response = client.get(reverse("actions:embed_action", args=[action.slug]), {"lang": "xx"})
    assert response.status_code == 400


def test_the_team_finds_the_embed_page_and_is_warned_of_a_draft(client):
    draft = make_action(status="draft")
    member = ProjectMembershipFactory(
        project=draft.project, role=ProjectMembership.Role.FACILITATOR
    ).user
    assert client.get(reverse("actions:embed_action", args=[draft.slug])).status_code == 404
    client.force_login(member)
    detail = client.get(reverse("actions:detail", args=[draft.slug])).content.decode()
    embed = reverse("actions:embed_action", args=[draft.slug])
    assert f'href="{embed}"' in detail
    page = client.get(embed).content.decode()
    assert 'role="status"' in page


def test_the_project_and_agenda_pages_lead_to_the_agenda_code(client):
    project = ProjectFactory()
    commune = CommuneFactory()
    an_action(project, commune=commune)
    member = ProjectMembershipFactory(project=project, role=ProjectMembership.Role.FACILITATOR)
    embed = reverse("actions:embed_agenda_project", args=[project.slug])
    assert f'href="{embed}"' not in client.get(project.get_absolute_url()).content.decode()
    client.force_login(member.user)
    assert f'href="{embed}"' in client.get(project.get_absolute_url()).content.decode()
    client.logout()
    agenda = client.get(reverse("actions:agenda"), {"project": project.slug}).content.decode()
    assert f'href="{embed}"' in agenda
    agenda = client.get(reverse("actions:agenda"), {"commune": commune.insee_code}).content
    commune_embed = reverse("actions:embed_agenda_commune", args=[commune.insee_code])
    assert f'href="{commune_embed}"' in agenda.decode()
    response = client.get(commune_embed)
    assert response.status_code == 200
    widget = reverse("actions:widget_agenda_commune", args=[commune.insee_code])
    assert f"http://testserver{widget}" in response.content.decode()
    response = client.get(embed)
    assert response.status_code == 200
