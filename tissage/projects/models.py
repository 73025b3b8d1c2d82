from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tissage.core.covers import Cover, cover_first
from tissage.core.photos import validate_photo

if TYPE_CHECKING:
    from tissage.accounts.models import User


class ProjectQuerySet(models.QuerySet["Project"]):
    def published(self) -> ProjectQuerySet:
        return self.filter(status=Project.Status.PUBLISHED)

    def visible_to(self, user: User | AnonymousUser) -> ProjectQuerySet:
        """Published and archived projects for everyone; drafts for their team only.

        The rule of `projects.access.projects_visible_to`, here so that other apps can
        apply it through a relation (`organisation.projects.visible_to(user)`).
        """
        public = Q(status__in=[Project.Status.PUBLISHED, Project.Status.ARCHIVED])
        if not user.is_authenticated:
            return self.filter(public)
        if user.is_superuser:
            return self.all()
        return self.filter(
            public | Q(memberships__user=user) | Q(organisation__memberships__user=user)
        ).distinct()

    def with_member_count(self) -> ProjectQuerySet:
        """Each project's number of members as `member_count`, read with it.

        A correlated subquery, not a join + GROUP BY: a list then walks the (status,
        updated_at) index and stops at the page size instead of grouping every project
        with all its members first; a single project's page spares a query.
        """
        members = (
            ProjectMembership.objects.filter(project=models.OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(member_count=Coalesce(models.Subquery(members), 0))

    def for_listing(self) -> ProjectQuerySet:
        """What a list of project cards needs, in a fixed number of queries."""
        return (
            self.select_related("organisation").with_member_count().order_by("-updated_at", "-pk")
        )


class Project(models.Model):
    """A local development project run by an organisation. Modules attach to it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", pgettext_lazy("project status", "published")
        ARCHIVED = "archived", _("archived")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("short name in addresses"), max_length=80, unique=True)
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences shown on cards.")
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    cover = models.ImageField(
        _("cover picture"),
        upload_to="projects/covers/",
        blank=True,
        validators=[validate_photo],
    )
    cover_alt = models.CharField(
        _("description of the cover picture"),
        max_length=200,
        blank=True,
        help_text=_("For people who cannot see the picture."),
    )
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes concerned"), blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.DRAFT)
    call_to_action = models.CharField(
        _("call to action"),
        max_length=120,
        blank=True,
        help_text=_("What you ask people to do, e.g. “Plant a tree with us on Saturday”."),
    )
    call_to_action_url = models.URLField(
        _("call to action link"),
        blank=True,
        help_text=_("Leave empty to invite people to join the project."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"]),
            # The project list shows published and archived projects, latest first:
            # `status IN (…)` cannot walk the index above in that order, so the database
            # sorted every project; this one is walked, the status checked on the way.
            models.Index(fields=["-updated_at", "-id"], name="project_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.slug])

    @property
    def shown_cover(self) -> Cover | None:
        """Its own cover."""
        return cover_first((self.cover, self.cover_alt))


class ProjectMembership(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("facilitator")
        MEMBER = "member", _("member")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project team member")
        verbose_name_plural = _("project team")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="one_role_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.project}"


class NewsPostQuerySet(models.QuerySet["NewsPost"]):
    def published(self) -> NewsPostQuerySet:
        return self.filter(published_at__lte=timezone.now())


class NewsPost(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown."))
    image = models.ImageField(
        _("picture"), upload_to="projects/news/", blank=True, validators=[validate_photo]
    )
    image_alt = models.CharField(_("description of the picture"), max_length=200, blank=True)
    # Kept when the author deletes their account: shown as “a former participant”.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_posts",
    )
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title
