from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tissage.core.photos import validate_photo


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def with_published_projects(self) -> OrganisationQuerySet:
        """Organisations that have published projects, the busiest first."""
        # Through the reverse relation: organisations do not import the projects app.
        project_model: Any = Organisation.projects.field.model  # its queryset methods
        published = (
            project_model.objects.published()
            .filter(organisation=models.OuterRef("pk"))
            .order_by()
            .values("organisation")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.annotate(published_projects=models.Subquery(published))
            .filter(published_projects__gt=0)
            .order_by("-published_projects", "name")
        )


class Organisation(models.Model):
    """A structure porteuse: PETR, communauté de communes, association, collective…"""

    class Kind(models.TextChoices):
        PETR = "petr", _("PETR or country (pays)")
        INTERCOMMUNALITY = "intercommunality", _("Community of communes or agglomeration")
        COMMUNE = "commune", _("Commune")
        PARK = "park", _("Regional natural park")
        ASSOCIATION = "association", _("Association")
        COLLECTIVE = "collective", _("Citizen collective")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ASSOCIATION)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    logo = models.ImageField(
        _("logo"), upload_to="organisations/logos/", blank=True, validators=[validate_photo]
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes covered"), blank=True, related_name="+"
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # When its public description last changed (the open API's `updated_since` and
    # Last-Modified).
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.slug])


class OrganisationMembership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        FACILITATOR = "facilitator", _("facilitator")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.FACILITATOR)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation member")
        verbose_name_plural = _("organisation members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="one_role_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"
