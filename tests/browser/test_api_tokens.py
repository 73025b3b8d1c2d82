"""An organisation's administrator makes a personal API token from the account page,
copies its secret (shown once), uses it, then revokes it. axe-core checks every page;
the secret never overflows a phone's screen."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tissage.api.models import ApiToken

pytestmark = pytest.mark.browser


def _token_answer(secret: str) -> int:
    response = Client().get("/api/v1/staff/token", HTTP_AUTHORIZATION=f"Bearer {secret}")
    return response.status_code


@pytest.mark.parametrize("width", [390, 1280])
def test_a_token_is_made_seen_once_used_and_revoked(
    new_context, new_page, visit, check_page, sign_in_as, world, width
):
    context = new_context(viewport={"width": width, "height": 900})
    sign_in_as(context, world.admin)
    page = new_page(context)

    visit(page, reverse("accounts:account"))
    page.get_by_role("link", name="Créer un jeton d’API").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("api_tokens:list")) + "$"))
    check_page(page)
    page.get_by_label("Nom du jeton").fill("Agenda du site de la mairie")
    page.get_by_role("button", name="Créer le jeton").click()

    secret_box = page.locator("#api-token-secret")
    expect(secret_box).to_be_visible()
    check_page(page)
    secret = secret_box.input_value()
    assert secret.startswith("tsg_")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert _token_answer(secret) == 200

    page.get_by_role("link", name=re.compile("Je l’ai copié")).click()
    check_page(page)
    token = ApiToken.objects.get()
    expect(page.locator("main")).to_contain_text(token.prefix)
    assert secret not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name=re.compile("Révoquer le jeton")).click()
    check_page(page)
    page.get_by_role("button", name="Révoquer le jeton").click()
    expect(page.locator("main")).to_contain_text("Révoqué le")
    check_page(page)
    assert _token_answer(secret) == 401
