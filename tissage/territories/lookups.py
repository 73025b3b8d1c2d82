"""Finding the commune a URL names."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404

from .models import Commune


def followable_commune(user: Any, pk: int) -> Commune:
    """The commune to follow (`core.registry`, `followables`): communes are public."""
    return get_object_or_404(Commune, pk=pk)
