"""The delivery settings page and the one-click unsubscribe, through HTTP."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tissage.core.tests.factories import UserFactory
from tissage.engagement import tokens
from tissage.engagement.kinds import KINDS, Delivery, Kind
from tissage.engagement.models import DeliverySetting, Notification

from .helpers import notifications_at, paris

pytestmark = pytest.mark.django_db

SETTINGS = reverse("engagement:settings")


def unsubscribe_url(user, kind: str) -> str:
    return reverse(
        "engagement:unsubscribe", args=[tokens.unsubscribe_make(user_id=user.pk, kind=kind)]
    )


def all_choices(**chosen: str) -> dict[str, str]:
    return {kind: chosen.get(kind, info.default_delivery) for kind, info in KINDS.items()}


# --- settings --------------------------------------------------------------------------


def test_settings_ask_anonymous_visitors_to_sign_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert "next=/notifications/reglages/" in response["Location"]


def test_settings_show_a_fieldset_per_kind_with_the_defaults(client, in_english):
    person = UserFactory()
    DeliverySetting.objects.create(user=person, kind=Kind.NEWS_POST, delivery=Delivery.DAILY)
    client.force_login(person)
    page = client.get(SETTINGS).content.decode()
    assert page.count("<fieldset") == len(KINDS)
    assert "A new action in what I follow" in page
    assert 'name="news_post" value="daily" required id="id_news_post_2" checked' in page
    assert 'name="reply" value="immediate" required id="id_reply_1" checked' in page
    assert 'name="action_new" value="weekly" required id="id_action_new_3" checked' in page


def test_settings_saved_and_defaults_keep_no_row(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(SETTINGS, all_choices(news_post="daily", reply="site"))
    assert response.status_code == 302
    assert dict(DeliverySetting.objects.filter(user=person).values_list("kind", "delivery")) == {
        "news_post": "daily",
        "reply": "site",
    }
    client.post(SETTINGS, all_choices())
    assert not DeliverySetting.objects.filter(user=person).exists()


@pytest.mark.parametrize("bad", [{"reply": "hourly"}, {"reply": ""}, {}])
def test_a_bad_value_is_a_form_error_and_saves_nothing(client, in_english, bad):
    person = UserFactory()
    client.force_login(person)
    data = all_choices(news_post="daily")
    data.pop("reply")
    data.update(bad)
    response = client.post(SETTINGS, data)
    assert response.status_code == 200
    assert "Choose one of the options." in response.content.decode()
    assert not DeliverySetting.objects.filter(user=person).exists()


# --- unsubscribe -----------------------------------------------------------------------


def test_the_link_shows_a_button_and_changes_nothing(in_english, client):
    person = UserFactory()
    response = client.get(unsubscribe_url(person, Kind.REPLY))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post">' in page
    assert "A reply to my message or initiative" in page
    assert not DeliverySetting.objects.exists()


def test_one_click_post_without_signing_in_stops_that_kind():
    person = UserFactory()
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        unsubscribe_url(person, Kind.REPLY),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert reverse("engagement:settings") in response.content.decode()
    assert DeliverySetting.objects.for_user(person)[Kind.REPLY] == Delivery.SITE
    assert DeliverySetting.objects.for_user(person)[Kind.PLACE_FREED] == Delivery.IMMEDIATE
    again = client.post(unsubscribe_url(person, Kind.REPLY))
    assert again.status_code == 200


def test_a_digest_link_stops_every_kind_and_what_was_waiting():
    person = UserFactory()
    (event,) = notifications_at(paris(2026, 3, 15, 12), [person], delivery="weekly")
    response = Client().post(unsubscribe_url(person, tokens.ALL_KINDS))
    assert response.status_code == 200
    assert set(DeliverySetting.objects.for_user(person).values()) == {Delivery.SITE}
    assert Notification.objects.get(event=event).delivery == Delivery.SITE


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", ["nonsense", "eyJ1IjoxfQ:1abc:def"])
def test_a_bad_token_gets_a_plain_400(client, method, token):
    UserFactory()
    response = getattr(client, method)(reverse("engagement:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert not DeliverySetting.objects.exists()


def test_a_token_for_an_unknown_kind_or_a_deleted_account_gets_a_400(client):
    person = UserFactory()
    forged_kind = tokens.UNSUBSCRIBE.make(person.pk, "everything")
    assert client.post(reverse("engagement:unsubscribe", args=[forged_kind])).status_code == 400
    url = unsubscribe_url(person, Kind.REPLY)
    person.delete()
    assert client.post(url).status_code == 400
