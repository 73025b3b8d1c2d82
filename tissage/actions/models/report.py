"""The report written after an action, with its photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .action import Action


class ActionReport(models.Model):
    """A short account after the action: text and photos."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="report")
    text = models.TextField(_("report"), help_text=_("Markdown."))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.action}"


class ReportPhoto(models.Model):
    report = models.ForeignKey(ActionReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="actions/photos/%Y/%m/")
    thumbnail = models.ImageField(upload_to="actions/thumbnails/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    credit = models.CharField(_("author of the photo"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.report} ({self.credit})"
