"""Files imported into a campaign, with their dry-run report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tissage.core.files import RandomName

from .campaigns import Campaign


class InventoryImport(models.Model):
    """A file brought into a campaign: checked first (dry run), then imported at once."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked, not imported yet")
        IMPORTED = "imported", _("imported")

    class Format(models.TextChoices):
        GEOJSON = "geojson", "GeoJSON"
        CSV = "csv", "CSV"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Staff's source file: private, under a random name (tissage/core/files.py).
    file = models.FileField(upload_to=RandomName("inventories/imports", private=True))
    original_name = models.CharField(max_length=200)
    format = models.CharField(max_length=10, choices=Format)
    # Source column → target (a contribution attribute or a campaign field key).
    mapping = models.JSONField(default=dict, blank=True)
    # The dry run's findings: counts, and row by row what is wrong.
    report = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.CHECKED)
    imported_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.original_name}"
