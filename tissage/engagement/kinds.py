"""The kinds of notification: what happened, whom it concerns, how it is delivered by
default. One list: the settings page, the digests and the events all read it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


# What each kind's `params` hold (plain JSON: text, ISO dates) and whom it reaches:
#   action_new            title, starts_at (ISO), commune; project          → project, commune
#   news_post             title, project; news post                         → project
#   initiative_new        title, collective                                  → collective
#   campaign_milestone    campaign, count (published items)                  → campaign
#   contribution_decided  title, campaign, status (published | needs_information |
#                         refused), reason                                   → its author
#   reply                 author_name, subject (thread or initiative title)  → whom it answers
#   place_freed           title, starts_at (ISO)                             → the waiting list
#   proposal_answered     title, consultation, project, status (under_study |
#                         accepted | not_retained | done)       → its author and supporters
class Kind(models.TextChoices):
    ACTION_NEW = "action_new", _("A new action in what I follow")
    NEWS_POST = "news_post", _("A project I follow posts news")
    INITIATIVE_NEW = "initiative_new", _("A new initiative in my collective")
    CAMPAIGN_MILESTONE = "campaign_milestone", _("An inventory I follow reaches a milestone")
    CONTRIBUTION_DECIDED = "contribution_decided", _("A decision on my contribution")
    REPLY = "reply", _("A reply to my message or initiative")
    PLACE_FREED = "place_freed", _("A place freed on an action I wait for")
    PROPOSAL_ANSWERED = "proposal_answered", _("An official answer to a proposal I made or support")


class Delivery(models.TextChoices):
    SITE = "site", _("On the site only")
    IMMEDIATE = "immediate", _("An email at once")
    DAILY = "daily", _("A daily digest")
    WEEKLY = "weekly", _("A weekly digest")


@dataclass(frozen=True)
class KindInfo:
    """`direct`: it concerns the person themself (their contribution, their message, their
    place), not only what they follow; delivered at once by default, followed news in the
    weekly digest."""

    direct: bool

    @property
    def default_delivery(self) -> str:
        return Delivery.IMMEDIATE if self.direct else Delivery.WEEKLY


KINDS: dict[str, KindInfo] = {
    Kind.ACTION_NEW: KindInfo(direct=False),
    Kind.NEWS_POST: KindInfo(direct=False),
    Kind.INITIATIVE_NEW: KindInfo(direct=False),
    Kind.CAMPAIGN_MILESTONE: KindInfo(direct=False),
    Kind.CONTRIBUTION_DECIDED: KindInfo(direct=True),
    Kind.REPLY: KindInfo(direct=True),
    Kind.PLACE_FREED: KindInfo(direct=True),
    Kind.PROPOSAL_ANSWERED: KindInfo(direct=True),
}


def kind_label(kind: str) -> str | Promise:
    return Kind(kind).label
