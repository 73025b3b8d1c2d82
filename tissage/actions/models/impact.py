"""What a project counts after its actions (trees planted, metres of hedge), and the
values of each action."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .action import Action


class ImpactCounter(models.Model):
    """What a project counts after each action (“trees planted”, “metres of hedge”)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="impact_counters"
    )
    name = models.CharField(_("what is counted"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("impact counter")
        verbose_name_plural = _("impact counters")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class ImpactValue(models.Model):
    counter = models.ForeignKey(ImpactCounter, on_delete=models.CASCADE, related_name="values")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="impact_values")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("impact value")
        verbose_name_plural = _("impact values")
        constraints = [
            models.UniqueConstraint(fields=["counter", "action"], name="one_value_per_action")
        ]

    def __str__(self) -> str:
        return f"{self.counter}: {self.value}"
