"""Setting campaigns up without code: who may, what is saved, what is refused and why.

Every page is checked for every role (docs/permissions.md): ok, login (sent to sign
in), forbidden (403), or not_found (404, for a draft project's campaign).
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tissage.core.tests.factories import (
    CommuneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    UserFactory,
    _square,
    user_with_role,
)
from tissage.core.tests.matrices import (
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OK,
    STAFF,
    STAFF_DRAFT_SIGN_IN_FIRST,
)
from tissage.inventories.campaigns import categories, communes, questions, services
from tissage.inventories.models import Campaign, CampaignField, Category, Contribution
from tissage.inventories.models.campaigns import Licence
from tissage.inventories.tests.helpers import heritage_campaign, lavoir, submit
from tissage.projects.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db


# A draft project's campaign does not exist for outsiders; its members see it but may
# not set it up. Anonymous people are sent to sign in first, whatever the address.


def assert_answer(response, expected: str, *, ok_status: int = 200) -> None:
    if expected == OK:
        assert response.status_code == ok_status
    elif expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    elif expected == NOT_FOUND:
        assert response.status_code == 404
    else:
        raise AssertionError(f"unknown expectation {expected!r}")


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


@pytest.fixture
def campaign():
    return heritage_campaign(project=ProjectFactory(status=Project.Status.PUBLISHED))


@pytest.fixture
def facilitator(campaign):
    return ProjectMembershipFactory(
        project=campaign.project, role=ProjectMembership.Role.FACILITATOR
    ).user


@pytest.fixture
def signed_in(client, facilitator, settings):
    client.force_login(facilitator)
    # Messages are checked in English, whatever the state of the French catalogue.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# Permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "expected"), STAFF)
@pytest.mark.parametrize("page", GET_PAGES)
def test_every_page_is_for_those_who_run_the_project(client, campaign, role, expected, page):
    user = user_with_role(role, campaign.project)
    if user is not None:
        client.force_login(user)
    assert_answer(client.get(pages(campaign)[page]), expected)


@pytest.mark.parametrize(("role", "expected"), STAFF_DRAFT_SIGN_IN_FIRST)
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


# Creating a campaign ------------------------------------------------------------------------


@pytest.fixture
def territory(campaign):
    """Three communes of the organisation, and one elsewhere."""
    organisation = campaign.project.organisation
    communes = [
        CommuneFactory(name="Anduze", insee_code="30010", geometry=_square(4.0, 44.0)),
        CommuneFactory(name="Saint-Jean-du-Gard", insee_code="30259", geometry=_square(3.9, 44.1)),
        CommuneFactory(name="Lézan", insee_code="30146", geometry=_square(4.05, 44.0)),
    ]
    organisation.communes.set(communes)
    CommuneFactory(name="Montpellier", insee_code="34172", department="34")
    return communes


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
        ({"communes": "34172"}, "communes", "No commune with the INSEE code 34172"),
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


# Communes as text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Anduze", "anduze", "ANDUZE", "30010", "Anduze (30010)", " anduze ;", "Anduze, 30010"],
)
def test_communes_are_read_from_names_or_codes(territory, text):
    found = communes.communes_from_text(
        text, among=territory[0].__class__.objects.all(), among_name="test"
    )
    assert [commune.insee_code for commune in found] == ["30010"]


def test_accents_hyphens_and_abbreviations_do_not_matter(territory):
    from tissage.territories.models import Commune

    found = communes.communes_from_text(
        "LEZAN, St Jean du Gard", among=Commune.objects.all(), among_name="test"
    )
    assert [commune.name for commune in found] == ["Lézan", "Saint-Jean-du-Gard"]


def test_a_name_shared_by_two_communes_asks_for_the_code(territory):
    from django.core.exceptions import ValidationError

    from tissage.territories.models import Commune

    CommuneFactory(name="Anduze", insee_code="34999", department="34")
    with pytest.raises(ValidationError) as refusal:
        communes.communes_from_text("Anduze", among=Commune.objects.all(), among_name="test")
    assert "30010, 34999" in refusal.value.messages[0]
    found = communes.communes_from_text(
        "Anduze (34999)", among=Commune.objects.all(), among_name="test"
    )
    assert [commune.insee_code for commune in found] == ["34999"]


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


def test_items_keep_their_licence_when_the_campaign_changes_it(campaign):
    item = submit(campaign)
    services.campaign_settings_update(
        campaign=campaign,
        title=campaign.title,
        presentation="",
        method="",
        starts_on=campaign.starts_on,
        ends_on=None,
        licence=Licence.CC0,
        requires_account=False,
        communes=campaign.communes.all(),
    )
    item.refresh_from_db()
    assert item.licence == Licence.ETALAB
    assert Campaign.objects.get(pk=campaign.pk).licence == Licence.CC0


def test_the_settings_service_refuses_what_the_form_would(campaign):
    with pytest.raises(services.SetupRefused) as refusal:
        services.campaign_settings_update(
            campaign=campaign,
            title="  ",
            presentation="",
            method="",
            starts_on=datetime.date(2026, 5, 1),
            ends_on=datetime.date(2026, 4, 1),
            licence="mine",
            requires_account=False,
            communes=[],
        )
    assert set(refusal.value.errors) == {"title", "licence", "ends_on"}
    assert Campaign.objects.get(pk=campaign.pk).title == "Petit patrimoine des Garrigues"
    assert campaign.communes.count() == 1


# Categories ------------------------------------------------------------------------------


def categories_url(campaign, suffix=""):
    return f"/inventaires/{campaign.slug}/parametres/categories/{suffix}"


def test_a_category_is_added_at_the_end_with_a_unique_slug(signed_in, campaign):
    response = signed_in.post(
        categories_url(campaign),
        {
            "name": "Lavoir-abreuvoir",
            "description": "Les deux à la fois.",
            "merimee_denomination": "lavoir",
        },
    )
    assert response.status_code == 302
    added = campaign.categories.get(name="Lavoir-abreuvoir")
    assert added.slug == "lavoir-abreuvoir"
    assert added.position == 16
    assert added.description == "Les deux à la fois."

    twin = categories.category_add(campaign=campaign, name="Lavoir abreuvoir")
    assert twin.slug == "lavoir-abreuvoir-2"
    emoji = categories.category_add(campaign=campaign, name="🏛️")
    assert emoji.slug == "categorie"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Give the category a name."),
        ({"name": "   "}, "name", "Give the category a name."),
        ({"name": "lavoir"}, "name", "There is already a category “lavoir”"),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"name": "Gué", "description": "x" * 301}, "description", "at most 300"),
    ],
)
def test_bad_categories_are_refused(signed_in, campaign, data, field, message):
    response = signed_in.post(categories_url(campaign), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert campaign.categories.count() == 16


def test_renaming_a_category_moves_its_slug_until_items_use_it(signed_in, campaign):
    croix = campaign.categories.get(slug="croix")
    signed_in.post(categories_url(campaign, f"{croix.pk}/"), {"name": "Croix de chemin"})
    croix.refresh_from_db()
    assert (croix.name, croix.slug) == ("Croix de chemin", "croix-de-chemin")

    washhouse = lavoir(campaign)
    submit(campaign)
    response = signed_in.post(
        categories_url(campaign, f"{washhouse.pk}/"),
        {"name": "Lavoir couvert", "merimee_denomination": "lavoir"},
    )
    assert response.status_code == 302
    washhouse.refresh_from_db()
    assert (washhouse.name, washhouse.slug) == ("Lavoir couvert", "lavoir")


def test_renaming_to_another_categorys_name_is_refused(signed_in, campaign):
    croix = campaign.categories.get(slug="croix")
    response = signed_in.post(categories_url(campaign, f"{croix.pk}/"), {"name": "Puits"})
    assert "There is already a category “Puits”" in response.context["form"].errors["name"][0]
    croix.refresh_from_db()
    assert croix.name == "Croix"
    # Keeping its own name (another case) is fine.
    signed_in.post(categories_url(campaign, f"{croix.pk}/"), {"name": "CROIX"})
    croix.refresh_from_db()
    assert croix.name == "CROIX"


def test_a_used_category_cannot_be_deleted(signed_in, campaign):
    submit(campaign)
    submit(campaign, title="Autre lavoir", lon=4.37)
    washhouse = lavoir(campaign)

    page = signed_in.get(categories_url(campaign, f"{washhouse.pk}/supprimer/"))
    assert "2 items belong to it" in page.content.decode()
    assert b'type="submit"' not in page.content.split(b"<main")[1]

    response = signed_in.post(categories_url(campaign, f"{washhouse.pk}/supprimer/"), follow=True)
    assert "2 items belong to it" in response.content.decode()
    assert Category.objects.filter(pk=washhouse.pk).exists()


def test_an_unused_category_is_deleted_after_confirmation(signed_in, campaign):
    croix = campaign.categories.get(slug="croix")
    page = signed_in.get(categories_url(campaign, f"{croix.pk}/supprimer/"))
    assert page.status_code == 200
    assert Category.objects.filter(pk=croix.pk).exists()

    response = signed_in.post(categories_url(campaign, f"{croix.pk}/supprimer/"))
    assert response.status_code == 302
    assert not Category.objects.filter(pk=croix.pk).exists()


def names(campaign):
    return list(campaign.categories.order_by("position", "name").values_list("name", flat=True))


def test_categories_move_up_and_down_without_javascript(signed_in, campaign):
    before = names(campaign)
    puits = campaign.categories.get(slug="puits")
    move = categories_url(campaign, f"{puits.pk}/deplacer/")

    signed_in.post(move, {"direction": "up"})
    assert names(campaign)[:3] == ["Lavoir", "Puits", "Fontaine"]
    signed_in.post(move, {"direction": "up"})
    signed_in.post(move, {"direction": "up"})  # already first: stays
    assert names(campaign)[:3] == ["Puits", "Lavoir", "Fontaine"]
    signed_in.post(move, {"direction": "down"})
    signed_in.post(move, {"direction": "sideways"})  # ignored
    assert names(campaign)[:3] == ["Lavoir", "Puits", "Fontaine"]
    assert sorted(names(campaign)) == sorted(before)
    positions = list(campaign.categories.values_list("position", flat=True))
    assert sorted(positions) == list(range(16))


def test_moving_mends_tied_positions(campaign):
    Category.objects.filter(campaign=campaign).update(position=0)
    last = campaign.categories.order_by("position", "name").last()
    categories.category_move(category=last, offset=-1)
    positions = list(campaign.categories.order_by("position").values_list("position", flat=True))
    assert positions == list(range(16))
    assert names(campaign)[-2] == last.name


def test_the_categories_page_lists_counts_and_buttons(signed_in, campaign):
    submit(campaign)
    response = signed_in.get(categories_url(campaign))
    html = response.content.decode()
    rows = response.context["categories"]
    assert [c.name for c in rows][:2] == ["Lavoir", "Fontaine"]
    assert rows[0].item_count == 1
    # No “delete” for a used category; “up” not on the first row, “down” not on the last.
    assert f"/categories/{rows[0].pk}/supprimer/" not in html
    assert f"/categories/{rows[1].pk}/supprimer/" in html
    assert html.count('value="up"') == 15
    assert html.count('value="down"') == 15


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_categories_page_makes_the_same_queries_for_more_rows(signed_in, campaign):
    few = queries_for(signed_in, categories_url(campaign))
    for number in range(30):
        categories.category_add(campaign=campaign, name=f"Catégorie {number}")
    for number in range(5):
        submit(campaign, title=f"Lavoir {number}", lon=4.36 + number * 0.001)
    many = queries_for(signed_in, categories_url(campaign))
    assert few == many <= 10


# Questions -------------------------------------------------------------------------------


def fields_url(campaign, suffix=""):
    return f"/inventaires/{campaign.slug}/parametres/questions/{suffix}"


def question(**changes):
    data = {"label": "Accès", "kind": "text", "help_text": "", "choices": "", "key": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("kind", "choices", "stored"),
    [
        ("text", "", []),
        ("long_text", "", []),
        ("number", "", []),
        ("yes_no", "", []),
        ("choice", "public\nprivé\n\n", ["public", "privé"]),
        ("multiple_choice", " eau \n pierre ", ["eau", "pierre"]),
        ("date", "", []),
        ("period", "", []),
    ],
)
def test_questions_of_every_kind_are_added(signed_in, campaign, kind, choices, stored):
    response = signed_in.post(
        fields_url(campaign, "ajouter/"),
        question(label="Accès au site", kind=kind, choices=choices, required="on"),
    )
    assert response.status_code == 302
    added = campaign.fields.get(label="Accès au site")
    assert added.kind == kind
    assert added.choices == stored
    assert added.required is True
    assert added.key == "acces_au_site"
    assert added.position == 9
    added.form_field()  # a form field can be made from it


def test_keys_are_made_from_labels_and_kept_unique(campaign):
    first = questions.field_add(campaign=campaign, label="Matériaux du gros œuvre", kind="text")
    second = questions.field_add(campaign=campaign, label="Matériaux du gros-œuvre", kind="text")
    odd = questions.field_add(campaign=campaign, label="1er étage ?", kind="text")
    reserved = questions.field_add(campaign=campaign, label="Title", kind="text")
    nothing = questions.field_add(campaign=campaign, label="?!", kind="text")
    assert first.key == "materiaux_du_gros_oeuvre"
    assert second.key == "materiaux_du_gros_oeuvre_2"
    assert odd.key == "er_etage"
    assert reserved.key == "title_2"
    assert nothing.key == "question"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"label": ""}, "label", "Write the question."),
        ({"label": "x" * 201}, "label", "at most 200 characters"),
        ({"kind": "colour"}, "kind", "Choose a kind of answer"),
        ({"kind": "choice", "choices": ""}, "choices", "Give at least two choices"),
        ({"kind": "multiple_choice", "choices": "seul"}, "choices", "Give at least two choices"),
        ({"kind": "choice", "choices": "oui\nOui"}, "choices", "“Oui” is given twice."),
        ({"kind": "choice", "choices": "a\n" + "b" * 121}, "choices", "under 120 characters"),
        ({"kind": "text", "choices": "a\nb"}, "choices", "Choices are only for"),
        ({"key": "etat"}, "key", "already uses the key “etat”"),
        ({"key": "État"}, "key", "lowercase letters without accents"),
        ({"key": "1er"}, "key", "starting with a letter"),
        ({"key": "a__b"}, "key", "single underscores"),
        ({"key": "latitude"}, "key", "a column every item has"),
        ({"merimee_field": "XXXX"}, "merimee_field", "Choose a Mérimée field"),
        ({"merimee_field": "SCLE"}, "merimee_field", "“Siècle ou époque” is already mapped"),
    ],
)
def test_bad_questions_are_refused(signed_in, campaign, changes, field, message):
    response = signed_in.post(fields_url(campaign, "ajouter/"), question(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert campaign.fields.count() == 9


def test_all_problems_are_shown_at_once(campaign):
    with pytest.raises(services.SetupRefused) as refusal:
        questions.field_add(campaign=campaign, label="", kind="choice", key="etat", choices="a")
    assert set(refusal.value.errors) == {"label", "choices", "key"}


def answered(campaign, **values):
    return submit(campaign, values=values, lon=4.36 + len(values) * 0.0001)


def test_a_key_stays_once_items_answered(signed_in, campaign):
    etat = campaign.fields.get(key="etat")
    answered(campaign, etat="bon état")
    response = signed_in.post(
        fields_url(campaign, f"{etat.pk}/"),
        question(label="État", kind="choice", choices="\n".join(etat.choices), key="etat_general"),
    )
    assert "its key stays “etat”" in response.context["form"].errors["key"][0]
    etat.refresh_from_db()
    assert (etat.key, etat.label) == ("etat", "État de conservation")


def test_a_key_can_change_while_nobody_answered(signed_in, campaign):
    etat = campaign.fields.get(key="etat")
    answered(campaign, etat=None)  # a stored null is no answer
    response = signed_in.post(
        fields_url(campaign, f"{etat.pk}/"),
        question(label="État", kind="choice", choices="\n".join(etat.choices), key="etat_general"),
    )
    assert response.status_code == 302
    etat.refresh_from_db()
    assert etat.key == "etat_general"


def test_an_empty_key_keeps_the_current_one(campaign):
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label="Lieu-dit", kind="text", help_text="", required=True,
        choices="", key="", merimee_field="LIEU",
    )  # fmt: skip
    lieu.refresh_from_db()
    assert (lieu.key, lieu.required) == ("lieu_dit", True)


def test_the_kind_stays_once_answered_except_between_texts(campaign):
    answered(campaign, lieu_dit="Les Aires", couverture="lauze")
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label=lieu.label, kind="long_text", help_text="", required=False,
        choices="", key="lieu_dit", merimee_field="LIEU",
    )  # fmt: skip
    assert CampaignField.objects.get(pk=lieu.pk).kind == "long_text"

    couverture = campaign.fields.get(key="couverture")
    with pytest.raises(services.SetupRefused) as refusal:
        questions.field_update(
            field=couverture, label=couverture.label, kind="multiple_choice", help_text="",
            required=False, choices=couverture.choices, key="couverture", merimee_field="COUV",
        )  # fmt: skip
    assert "as “single choice”" in refusal.value.errors["kind"][0]
    assert CampaignField.objects.get(pk=couverture.pk).kind == "choice"


def test_choices_that_answers_use_stay(signed_in, campaign):
    answered(campaign, materiaux=["calcaire", "bois"])
    answered(campaign, materiaux=["calcaire"], lieu_dit="x")
    materiaux = campaign.fields.get(key="materiaux")
    kept = [choice for choice in materiaux.choices if choice not in {"calcaire", "bois", "grès"}]

    response = signed_in.post(
        fields_url(campaign, f"{materiaux.pk}/"),
        question(
            label="Matériaux", kind="multiple_choice", choices="\n".join(kept), key="materiaux"
        ),
    )

    errors = response.context["form"].errors["choices"]
    assert any("“calcaire” is the answer of 2 items" in error for error in errors)
    assert any("“bois” is the answer of 1 item:" in error for error in errors)
    assert not any("grès" in error for error in errors)
    materiaux.refresh_from_db()
    assert "calcaire" in materiaux.choices and materiaux.label == "Matériaux du gros œuvre"

    # Unused choices go, new ones come.
    response = signed_in.post(
        fields_url(campaign, f"{materiaux.pk}/"),
        question(
            label="Matériaux",
            kind="multiple_choice",
            choices="calcaire\nbois\nterre crue",
            key="materiaux",
        ),
    )
    assert response.status_code == 302
    materiaux.refresh_from_db()
    assert materiaux.choices == ["calcaire", "bois", "terre crue"]


def test_an_answered_question_cannot_be_deleted(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    page = signed_in.get(fields_url(campaign, f"{lieu.pk}/supprimer/"))
    assert "1 item answered it" in page.content.decode()

    response = signed_in.post(fields_url(campaign, f"{lieu.pk}/supprimer/"), follow=True)
    assert "1 item answered it" in response.content.decode()
    assert CampaignField.objects.filter(pk=lieu.pk).exists()


def test_an_unanswered_question_is_deleted_after_confirmation(signed_in, campaign):
    answered(campaign, lieu_dit=None)
    lieu = campaign.fields.get(key="lieu_dit")
    assert signed_in.get(fields_url(campaign, f"{lieu.pk}/supprimer/")).status_code == 200
    response = signed_in.post(fields_url(campaign, f"{lieu.pk}/supprimer/"))
    assert response.status_code == 302
    assert not CampaignField.objects.filter(pk=lieu.pk).exists()


def test_usage_counts_answers_per_question_in_one_query(campaign, django_assert_num_queries):
    answered(campaign, lieu_dit="a", etat="bon état")
    answered(campaign, lieu_dit="b", etat=None)
    answered(campaign, materiaux=[], appellation="")
    answered(campaign, materiaux=["bois"], remarquable="", couverture="lauze")
    # False and 0 are answers; a key named like a lookup is still a key.
    answered(campaign, ouvert=False, hauteur=0, contains="x", exact=None)
    keys = ["lieu_dit", "etat", "materiaux", "appellation", "remarquable", "absent"]
    keys += ["ouvert", "hauteur", "contains", "exact"]
    with django_assert_num_queries(1):
        usage = questions.field_usage(campaign, keys)
    assert usage == {
        "lieu_dit": 2,
        "etat": 1,
        "materiaux": 1,
        "appellation": 0,
        "remarquable": 0,
        "absent": 0,
        "ouvert": 1,
        "hauteur": 1,
        "contains": 1,
        "exact": 0,
    }


def test_questions_move_up_and_down(signed_in, campaign):
    keys = lambda: list(campaign.fields.values_list("key", flat=True))  # noqa: E731
    assert keys()[:2] == ["appellation", "lieu_dit"]
    lieu = campaign.fields.get(key="lieu_dit")
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "up"})
    assert keys()[:2] == ["lieu_dit", "appellation"]
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "down"})
    signed_in.post(fields_url(campaign, f"{lieu.pk}/deplacer/"), {"direction": "down"})
    assert keys()[:3] == ["appellation", "siecle", "lieu_dit"]


def test_the_questions_page_shows_answers_and_hides_delete_for_answered(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    response = signed_in.get(fields_url(campaign))
    rows = {field.key: count for field, count in response.context["rows"]}
    assert rows["lieu_dit"] == 1 and rows["etat"] == 0
    html = response.content.decode()
    lieu = campaign.fields.get(key="lieu_dit")
    etat = campaign.fields.get(key="etat")
    assert f"/questions/{lieu.pk}/supprimer/" not in html
    assert f"/questions/{etat.pk}/supprimer/" in html


def test_the_edit_form_warns_what_stays_once_answered(signed_in, campaign):
    answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    response = signed_in.get(fields_url(campaign, f"{lieu.pk}/"))
    assert response.context["answered"] == 1
    assert "1 item already answered this question" in response.content.decode()
    assert response.context["form"]["key"].value() == "lieu_dit"


def test_the_questions_page_makes_the_same_queries_for_more_rows(signed_in, campaign):
    few = queries_for(signed_in, fields_url(campaign))
    for number in range(25):
        questions.field_add(campaign=campaign, label=f"Question {number}", kind="text")
    for number in range(5):
        answered(campaign, lieu_dit=f"Lieu {number}")
    many = queries_for(signed_in, fields_url(campaign))
    assert few == many <= 10


def test_pages_make_few_queries(signed_in, campaign, django_assert_max_num_queries):
    for page in ["settings", "categories", "fields", "category_edit", "field_edit"]:
        with django_assert_max_num_queries(12):
            assert signed_in.get(pages(campaign)[page]).status_code == 200


def test_contributions_keep_their_values_key_after_label_change(campaign):
    item = answered(campaign, lieu_dit="Les Aires")
    lieu = campaign.fields.get(key="lieu_dit")
    questions.field_update(
        field=lieu, label="Quartier", kind="text", help_text="", required=False,
        choices="", key="lieu_dit", merimee_field="LIEU",
    )  # fmt: skip
    assert Contribution.objects.get(pk=item.pk).values["lieu_dit"] == "Les Aires"
