"""The wiki of a collective: pages and their numbered revisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .collective import PUBLIC_NAME_MAX, Collective


class WikiPage(models.Model):
    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="wiki_pages")
    title = models.CharField(_("title"), max_length=150)
    slug = models.SlugField(max_length=160)
    # The hub page ("gare centrale"): one per collective, shown on its home page.
    is_hub = models.BooleanField(default=False)
    current = models.ForeignKey(
        "WikiRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("wiki page")
        verbose_name_plural = _("wiki pages")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["collective", "slug"], name="one_page_per_slug"),
            models.UniqueConstraint(
                fields=["collective"], condition=Q(is_hub=True), name="one_hub_per_collective"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("collectives:wiki_page", args=[self.collective.slug, self.slug])

    @property
    def revision_count(self) -> int:
        """Revisions are numbered from 1 and never deleted: the current one's number."""
        return self.current.number if self.current is not None else 0


class WikiRevision(models.Model):
    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"), blank=True, help_text=_("Markdown."))
    comment = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("author"), max_length=PUBLIC_NAME_MAX)
    # Set when this revision restores an earlier one.
    restores = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("wiki revision")
        verbose_name_plural = _("wiki revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} · {self.number}"
