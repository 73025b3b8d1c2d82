"""A campaign's categories: added, renamed, moved, deleted only when no item uses them."""

from __future__ import annotations

import pytest

from tissage.inventories.campaigns import categories
from tissage.inventories.models import Category
from tissage.inventories.tests.helpers import lavoir, queries_for, submit

pytestmark = pytest.mark.django_db


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


def test_the_categories_page_makes_the_same_queries_for_more_rows(signed_in, campaign):
    few = queries_for(signed_in, categories_url(campaign))
    for number in range(30):
        categories.category_add(campaign=campaign, name=f"Catégorie {number}")
    for number in range(5):
        submit(campaign, title=f"Lavoir {number}", lon=4.36 + number * 0.001)
    many = queries_for(signed_in, categories_url(campaign))
    assert few == many <= 10
