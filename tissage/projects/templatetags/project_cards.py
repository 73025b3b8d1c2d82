"""`{% project_cards projects as cards %}`: the kept cards of projects (projects.cards),
for a page of another app that lists projects (an organisation's page), which may not
import this app (lint-imports' layers) but may load its tags."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from tissage.projects.cards import project_cards as cards_of
from tissage.projects.models import Project

register = template.Library()


@register.simple_tag
def project_cards(projects: Iterable[Project]) -> list[SafeString]:
    """The cards of `projects`, read with `for_listing()`, in order."""
    return cards_of(list(projects))
