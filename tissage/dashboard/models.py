"""The dashboard's pre-aggregated facts, rebuilt from the source tables by
`tissage dashboard-refresh` (`refresh.py`): the dashboard reads only these, so that its
cost does not grow with the registrations, items and messages behind them.

Nothing here names a person: `person_key` is a keyed hash (HMAC-SHA256 with
`SECRET_KEY`) of "account:<id>" or of "address:<email>", which tells two participations
of one person apart from two people's without saying who either is (see README).
Scopes are plain ids, not foreign keys: the rows are rebuilt, never edited, and a
deleted organisation's rows go at the next refresh."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Way(models.TextChoices):
    ACCOUNT = "account", _("on the website, with an account")
    GUEST = "guest", _("on the website, without an account")
    EMAIL = "email", _("by email")
    ASSISTED = "assisted", _("entered by a facilitator")


class Kind(models.TextChoices):
    REGISTRATION = "registration", _("registration for an action")
    CONTRIBUTION = "contribution", _("inventory contribution")
    MESSAGE = "message", _("message to a collective")
    OPINION = "opinion", _("opinion given in a consultation")


class Refresh(models.Model):
    """One change of the facts (a refresh, or an account's rows rekeyed). The latest id is
    part of the cache key of computed figures: a new row makes every cached one stale."""

    at = models.DateTimeField(auto_now_add=True)
    since = models.DateField(null=True)  # None: every day, or a rekeying

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} (from {self.since or 'the start'})"


class Participation(models.Model):
    """How many times one person took part one way, in one scope, on one day."""

    day = models.DateField()
    organisation_id = models.IntegerField(null=True)
    project_id = models.IntegerField(null=True)
    commune = models.ForeignKey(
        "territories.Commune",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    person_key = models.CharField(max_length=64)
    way = models.CharField(max_length=10, choices=Way)
    kind = models.CharField(max_length=15, choices=Kind)
    count = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["organisation_id", "day"]),
            models.Index(fields=["project_id", "day"]),
            models.Index(fields=["person_key"]),
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.kind} · {self.way} × {self.count}"


class FirstParticipation(models.Model):
    """The day a person first took part in a scope: the platform (both ids None), an
    organisation or a project. "New" people of a period are those whose first day falls
    in it."""

    organisation_id = models.IntegerField(null=True)
    project_id = models.IntegerField(null=True)
    person_key = models.CharField(max_length=64)
    day = models.DateField()

    class Meta:
        indexes = [
            models.Index(fields=["organisation_id", "day"]),
            models.Index(fields=["project_id", "day"]),
            models.Index(fields=["day"]),
        ]

    def __str__(self) -> str:
        return f"{self.day}"


class ActionTally(models.Model):
    """One action's funnel, as it stood at the last refresh."""

    action_id = models.IntegerField(unique=True)
    day = models.DateField()
    starts_at = models.DateTimeField()
    organisation_id = models.IntegerField()
    project_id = models.IntegerField()
    title = models.CharField(max_length=200)
    commune_name = models.CharField(max_length=200, blank=True)
    places = models.PositiveIntegerField(default=0)
    registrations = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0)
    present = models.PositiveIntegerField(default=0)
    hours = models.FloatField(default=0)

    class Meta:
        ordering = ["starts_at", "action_id"]
        indexes = [
            models.Index(fields=["day"]),
            models.Index(fields=["organisation_id", "day"]),
            models.Index(fields=["project_id", "day"]),
        ]

    def __str__(self) -> str:
        return self.title
