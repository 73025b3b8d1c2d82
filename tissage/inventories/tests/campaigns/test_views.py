"""The campaign pages and setting campaigns up without code: who may, what is saved, what
is refused and why.

Every page is checked for every role (docs/permissions.md): ok, login (sent to sign
in), forbidden (403), or not_found (404, for a draft project's campaign). A draft
project's campaign does not exist for outsiders; its members see it but may not set it
up. Anonymous people are sent to sign in first, whatever the address.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    UserFactory,
    _square,
    user_with_role,
)
from tissage.core.tests.matrices import OK, STAFF, STAFF_DRAFT, assert_answer
from tissage.inventories.models import Campaign, CampaignField, Category
from tissage.inventories.models.campaigns import Licence
from tissage.inventories.tests.helpers import LON, heritage_campaign, published
from tissage.projects.models import Project
from tissage.territories.models import Commune

pytestmark = pytest.mark.django_db


def pages(campaign: Campaign) -> dict[str, str]:
    category = campaign.categories.first()
    field = campaign.fields.first()
    base = f"/inventaires/{campaign.slug}/parametres"
    return {
        "create": f"/inventaires/nouveau/{campaign.project.slug}/",
        "settings": f"{base}/",
        "categories": f"{base}/categories/",
        "category_edit": f"{base}/categories/{category.pk}/",
        "category_delete": f"{base}/categories/{category.pk}/supprimer/",
        "fields": f"{base}/questions/",
        "field_create": f"{base}/questions/ajouter/",
        "field_edit": f"{base}/questions/{field.pk}/",
        "field_delete": f"{base}/questions/{field.pk}/supprimer/",
    }


GET_PAGES = [
    "create",
    "settings",
    "categories",
    "category_edit",
    "category_delete",
    "fields",
    "field_create",
    "field_edit",
    "field_delete",
]


# Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), STAFF)
@pytest.mark.parametrize("page", GET_PAGES)
def test_every_page_is_for_those_who_run_the_project(client, campaign, role, expected, page):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    assert_answer(client.get(pages(campaign)[page]), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT)
@pytest.mark.parametrize("page", GET_PAGES)
def test_a_draft_projects_campaign_is_hidden_from_outsiders(client, role, expected, page):
    campaign = heritage_campaign(project=ProjectFactory(status=Project.Status.DRAFT))
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    assert_answer(client.get(pages(campaign)[page]), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF)
@pytest.mark.parametrize("kind", ["categories", "questions"])
def test_moving_is_for_those_who_run_the_project(client, campaign, role, expected, kind):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    rows = campaign.categories if kind == "categories" else campaign.fields
    last = rows.order_by("position").last()
    url = f"/inventaires/{campaign.slug}/parametres/{kind}/{last.pk}/deplacer/"

    response = client.post(url, {"direction": "up"})

    assert_answer(response, expected, ok_status=302)
    last.refresh_from_db()
    assert (last.position == rows.count() - 2) == (expected == OK)


@pytest.mark.parametrize("role", ["participant", "project_member"])
def test_forbidden_posts_change_nothing(client, campaign, role):
    client.force_login(user_with_role(role, campaign.project))
    urls = pages(campaign)
    category = campaign.categories.first()
    field = campaign.fields.first()
    posts = [
        (urls["create"], {"title": "Pirate", "starts_on": "2026-01-01", "licence": "cc0-1.0"}),
        (urls["settings"], {"title": "Pirate", "starts_on": "2026-01-01", "licence": "cc0-1.0"}),
        (urls["categories"], {"name": "Pirate"}),
        (urls["category_edit"], {"name": "Pirate"}),
        (urls["category_delete"], {}),
        (urls["field_create"], {"label": "Pirate", "kind": "text"}),
        (urls["field_edit"], {"label": "Pirate", "kind": "text"}),
        (urls["field_delete"], {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert Campaign.objects.count() == 1
    campaign.refresh_from_db()
    assert campaign.title == "Petit patrimoine des Garrigues"
    assert not Category.objects.filter(name="Pirate").exists()
    assert not CampaignField.objects.filter(label="Pirate").exists()
    assert Category.objects.filter(pk=category.pk).exists()
    assert CampaignField.objects.filter(pk=field.pk).exists()


def test_unknown_campaign_project_or_row_is_not_found(signed_in, campaign):
    other = heritage_campaign(commune=campaign.communes.get(), title="Autre inventaire")
    foreign_category = other.categories.first()
    foreign_field = other.fields.first()
    base = f"/inventaires/{campaign.slug}/parametres"
    assert signed_in.get("/inventaires/nouveau/nulle-part/").status_code == 404
    assert signed_in.get("/inventaires/nulle-part/parametres/").status_code == 404
    assert signed_in.get(f"{base}/categories/{foreign_category.pk}/").status_code == 404
    assert signed_in.get(f"{base}/questions/{foreign_field.pk}/").status_code == 404
    response = signed_in.post(f"{base}/categories/{foreign_category.pk}/supprimer/")
    assert response.status_code == 404
    assert Category.objects.filter(pk=foreign_category.pk).exists()


def test_moving_needs_a_post(signed_in, campaign):
    category = campaign.categories.first()
    url = f"/inventaires/{campaign.slug}/parametres/categories/{category.pk}/deplacer/"
    assert signed_in.get(url).status_code == 405


def creation(**changes):
    data = {
        "title": "Lavoirs et fontaines",
        "presentation": "Un **inventaire** des lavoirs.",
        "method": "Photographiez de face.",
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
        "communes": "Anduze, lezan\nst jean du gard",
        "licence": Licence.CC_BY,
        "requires_account": "on",
        "template": Campaign.Template.FREE,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create_url(campaign):
    return f"/inventaires/nouveau/{campaign.project.slug}/"


def test_the_form_suggests_the_organisations_communes(signed_in, campaign, territory):
    response = signed_in.get(create_url(campaign))
    assert response.context["form"]["communes"].value() == (
        "Anduze (30010), Lézan (30146), Saint-Jean-du-Gard (30259)"
    )
    assert "Montpellier" not in response.content.decode()


def test_the_form_suggests_the_projects_communes_first(signed_in, campaign, territory):
    campaign.project.communes.set(territory[:1])
    response = signed_in.get(create_url(campaign))
    assert response.context["form"]["communes"].value() == "Anduze (30010)"


def test_a_facilitator_creates_a_free_campaign(signed_in, campaign, territory):
    response = signed_in.post(create_url(campaign), creation())

    created = Campaign.objects.get(title="Lavoirs et fontaines")
    assert response.status_code == 302
    assert response["Location"] == f"/inventaires/{created.slug}/parametres/"
    assert created.project == campaign.project
    assert created.presentation == "Un **inventaire** des lavoirs."
    assert created.method == "Photographiez de face."
    assert created.starts_on == datetime.date(2026, 3, 1)
    assert created.ends_on == datetime.date(2026, 12, 31)
    assert created.licence == Licence.CC_BY
    assert created.requires_account is True
    assert set(created.communes.values_list("insee_code", flat=True)) == {
        "30010",
        "30146",
        "30259",
    }
    assert created.categories.count() == 0
    assert created.fields.count() == 0


def test_the_heritage_template_brings_its_categories_and_questions(signed_in, campaign):
    signed_in.post(
        create_url(campaign),
        creation(template=Campaign.Template.HERITAGE, communes="", ends_on=""),
    )
    created = Campaign.objects.get(title="Lavoirs et fontaines")
    assert created.categories.filter(merimee_denomination="lavoir").exists()
    assert created.fields.filter(merimee_field="SCLE").exists()
    assert created.ends_on is None
    assert created.communes.count() == 0


def test_the_form_starts_with_the_licence_ouverte_from_today(signed_in, campaign):
    form = signed_in.get(create_url(campaign)).context["form"]
    assert form["licence"].value() == Licence.ETALAB
    assert form["starts_on"].value() == timezone.localdate()
    assert form["template"].value() == Campaign.Template.FREE


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the campaign a title."),
        ({"title": "x" * 201}, "title", "has at most 200 characters"),
        ({"starts_on": ""}, "starts_on", "Give the date the campaign opens."),
        ({"starts_on": "mardi"}, "starts_on", "Write the date as day/month/year"),
        ({"ends_on": "2026-02-01"}, "ends_on", "The end comes before the start"),
        ({"licence": "all-rights-reserved"}, "licence", "Choose one of the licences offered."),
        ({"template": "secret"}, "template", "Choose one of the templates offered."),
        ({"communes": "Anduze, Atlantis"}, "communes", "“Atlantis” is not among"),
        ({"communes": "Montpellier"}, "communes", "“Montpellier” is not among"),
        ({"communes": "34172"}, "communes", "No commune has the INSEE code 34172"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_created(
    signed_in, campaign, territory, changes, field, message
):
    response = signed_in.post(create_url(campaign), creation(**changes))

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert message.split("“")[0] in response.content.decode()
    assert Campaign.objects.count() == 1


def test_every_unknown_commune_is_named_at_once(signed_in, campaign, territory):
    response = signed_in.post(create_url(campaign), creation(communes="Atlantis; Anduze; Ys"))
    errors = response.context["form"].errors["communes"]
    assert len(errors) == 2
    assert "Atlantis" in errors[0] and "Ys" in errors[1]


def test_without_organisation_communes_any_known_commune_is_accepted(signed_in, campaign):
    CommuneFactory(name="Montpellier", insee_code="34172", department="34")
    signed_in.post(create_url(campaign), creation(communes="Montpellier, 30189"))
    created = Campaign.objects.get(title="Lavoirs et fontaines")
    assert sorted(created.communes.values_list("name", flat=True)) == ["Montpellier", "Nîmes"]


def test_someone_outside_the_project_cannot_create_a_campaign(client, campaign):
    client.force_login(UserFactory())
    assert client.post(create_url(campaign), creation()).status_code == 403
    assert not Campaign.objects.filter(title="Lavoirs et fontaines").exists()


# Editing the settings ---------------------------------------------------------------------


def settings_url(campaign):
    return f"/inventaires/{campaign.slug}/parametres/"


def test_the_settings_form_shows_the_current_values(signed_in, campaign):
    response = signed_in.get(settings_url(campaign))
    form = response.context["form"]
    assert form["title"].value() == campaign.title
    assert form["communes"].value() == "Nîmes (30189)"
    assert "template" not in form.fields
    assert "16 categories" in response.content.decode()


def test_a_facilitator_changes_the_settings(signed_in, campaign, territory):
    data = creation(title="Nouveau titre", communes="Anduze", requires_account=None)
    data.pop("template")

    response = signed_in.post(settings_url(campaign), data)

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "Nouveau titre"
    assert campaign.licence == Licence.CC_BY
    assert campaign.requires_account is False
    assert list(campaign.communes.values_list("name", flat=True)) == ["Anduze"]
    assert campaign.slug == "petit-patrimoine-des-garrigues"  # addresses stay


def test_bad_settings_change_nothing(signed_in, campaign, territory):
    data = creation(title="Nouveau titre", ends_on="2020-01-01", communes="Anduze, Atlantis")

    response = signed_in.post(settings_url(campaign), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"ends_on", "communes"}
    campaign.refresh_from_db()
    assert campaign.title == "Petit patrimoine des Garrigues"
    assert list(campaign.communes.values_list("name", flat=True)) == ["Nîmes"]


def test_pages_make_few_queries(signed_in, campaign, django_assert_max_num_queries):
    for page in ["settings", "categories", "fields", "category_edit", "field_edit"]:
        with django_assert_max_num_queries(12):
            assert signed_in.get(pages(campaign)[page]).status_code == 200


def test_campaign_page_shows_the_contribute_button_and_the_latest_items(
    client, campaign, facilitator
):
    published(campaign, facilitator, title="Croix du Pradel")
    response = client.get(reverse("inventories:campaign", kwargs={"slug": campaign.slug}))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("inventories:contribute", kwargs={"slug": campaign.slug}) in page
    assert "Croix du Pradel" in page
    assert "Nîmes" in page  # progress per commune


def test_campaign_page_queries_do_not_grow(
    client, campaign, facilitator, django_assert_max_num_queries
):
    for n in range(12):
        published(campaign, facilitator, title=f"Lavoir {n}", lon=LON + n * 0.0005)
    for n in range(20):
        # Codes of their own: the factory's sequence would reach Nîmes's 30189 in a long run.
        CommuneFactory(insee_code=f"34{n:03d}", geometry=_square(4.0 + n * 0.02, 44.0))
    campaign.communes.add(*Commune.objects.all())
    url = reverse("inventories:campaign", kwargs={"slug": campaign.slug})
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
