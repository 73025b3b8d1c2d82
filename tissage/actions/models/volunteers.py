"""Forces vives: people who say what they can do and where they can go, so that the
facilitators of projects may invite them to actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerProfileQuerySet(models.QuerySet["VolunteerProfile"]):
    def available(self) -> VolunteerProfileQuerySet:
        """People who agreed to be found, with what the list shows, in two queries."""
        return (
            self.filter(opted_in=True, user__is_active=True)
            .select_related("user")
            .prefetch_related("communes")
            .order_by("user__display_name", "user_id")
        )


class VolunteerProfile(models.Model):
    class Skill(models.TextChoices):
        CHAINSAW = "chainsaw", _("chainsaw")
        CARPENTRY = "carpentry", _("carpentry")
        MASONRY = "masonry", _("masonry")
        VAN = "van", _("utility van")
        TRAILER = "trailer", _("trailer")
        DRAWING = "drawing", _("drawing")
        COOKING = "cooking", _("cooking")
        FIRST_AID = "first_aid", _("first aid")
        COMPUTING = "computing", _("computing")
        CHILDREN = "children", _("children's activities")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_profile"
    )
    # Nobody is listed without saying yes: the default keeps people out of the lists.
    opted_in = models.BooleanField(_("facilitators may invite me"), default=False)
    # The keys of `Skill` for the common ones, the person's own words for the others.
    skills = models.JSONField(_("skills"), default=list, blank=True)
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes I can reach"), blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VolunteerProfileQuerySet.as_manager()

    class Meta:
        verbose_name = _("volunteer profile")
        verbose_name_plural = _("volunteer profiles")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def skill_labels(self) -> list[str]:
        labels = dict(self.Skill.choices)
        return [str(labels.get(skill, skill)) for skill in self.skills]


class VolunteerInvitation(models.Model):
    """A facilitator invited a volunteer to an action: once per person and action."""

    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, related_name="volunteer_invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["action", "user"], name="one_invitation_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.action}"
