"""Contributing follows the campaign (engagement.services.follow_auto): a signed-in
author at once, a guest once the contribution becomes an account's; never again after
the person stopped following it."""

from __future__ import annotations

import pytest

from tissage.core.tests.factories import UserFactory
from tissage.engagement.models import Follow
from tissage.engagement.services import follow_set, is_following
from tissage.inventories.contributions.services import (
    contribution_confirm_email,
    contributions_attach,
)
from tissage.inventories.tests.helpers import submit

pytestmark = pytest.mark.django_db


def test_a_signed_in_author_follows_the_campaign(campaign):
    author = UserFactory()
    submit(campaign, contributor=author)
    follow = Follow.objects.get(user=author)
    assert follow.target == campaign and follow.automatic and follow.active


def test_an_assisted_entry_makes_nobody_follow(campaign, facilitator):
    submit(campaign, contributor=UserFactory(), entered_by=facilitator)
    submit(campaign, entered_by=facilitator, guest_name="Paul", guest_email="")
    assert not Follow.objects.exists()


def test_a_guest_follows_once_the_contribution_is_an_accounts(campaign):
    submit(campaign, guest_email="jeanne@example.org")
    assert not Follow.objects.exists()
    jeanne = UserFactory(email="jeanne@example.org")
    contributions_attach(jeanne)
    assert is_following(user=jeanne, target=campaign)


def test_a_guest_with_an_account_follows_on_confirming(campaign):
    jeanne = UserFactory(email="jeanne@example.org")
    item = submit(campaign, guest_email="jeanne@example.org")
    assert contribution_confirm_email(item=item)
    assert is_following(user=jeanne, target=campaign)


def test_contributing_again_does_not_follow_again_what_was_left(campaign):
    author = UserFactory()
    submit(campaign, contributor=author, title="Lavoir")
    follow_set(user=author, target=campaign, following=False)
    submit(campaign, contributor=author, title="Fontaine")
    assert not is_following(user=author, target=campaign)
    assert Follow.objects.filter(user=author).count() == 1
