"""Each item's history in words: the steps the public sees, each with its own label."""

from __future__ import annotations

import pytest
from django.utils import translation

from tissage.core.tests.factories import UserFactory
from tissage.inventories.models import Contribution, ContributionEvent
from tissage.inventories.moderation.history import public_history
from tissage.inventories.moderation.services import contribution_decide, contribution_edit
from tissage.inventories.tests.helpers import submit

pytestmark = pytest.mark.django_db


def labels(item: Contribution) -> list[str]:
    with translation.override("en"):
        return [entry.label for entry in public_history(item)]


def test_the_public_reads_each_step_in_words_without_messages_or_refusals(campaign, facilitator):
    item = submit(campaign, contributor=UserFactory(display_name="Jeanne"))
    contribution_decide(item=item, moderator=facilitator, status="needs_info", message="Où ?")
    ContributionEvent.objects.create(
        contribution=item, kind=ContributionEvent.Kind.ANSWERED, actor_name="Jeanne"
    )
    contribution_edit(item=item, editor=UserFactory(display_name="Paul"), title="Lavoir du Pont")
    contribution_decide(item=item, moderator=facilitator, status="validated")

    assert labels(item) == [
        "spotted by Jeanne",
        "completed by the contributor",
        "completed by Paul (team)",
        "checked and published",
    ]


def test_a_contributor_who_hides_their_name_is_an_inhabitant(campaign):
    item = submit(campaign, contributor=UserFactory(display_name="Jeanne"), show_contributor=False)
    assert labels(item) == ["spotted by an inhabitant"]


def test_imported_and_merged_items_say_so(campaign, facilitator):
    item = submit(campaign, contributor=UserFactory())
    item.events.all().delete()
    for kind in (ContributionEvent.Kind.IMPORTED, ContributionEvent.Kind.MERGED):
        ContributionEvent.objects.create(contribution=item, kind=kind, actor_name="Paul")
    assert labels(item) == ["imported from an existing inventory", "merged with a duplicate"]
