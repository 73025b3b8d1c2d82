"""The actions' part of site search (core.search): published actions of the projects
the visitor may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tissage.core.search import SearchHit, SearchKind
from tissage.projects.access import AnyUser, on_visible_project

from .models import Action

# Indexed on title, description, address and meeting point (migrations 0006 and 0010).


def _visible(user: AnyUser) -> QuerySet[Action]:
    return Action.objects.published().filter(on_visible_project(user, "project"))


def _hit(action: Action) -> SearchHit:
    when = formats.date_format(timezone.localtime(action.starts_at), "DATE_FORMAT")
    place = action.commune.name if action.commune else ""
    return SearchHit(
        title=action.title,
        url=reverse("actions:detail", kwargs={"slug": action.slug}),
        detail=" · ".join(part for part in (when, place) if part),
    )


actions_kind = SearchKind(
    kind="actions",
    label=_("Actions"),
    model=Action,
    visible=_visible,
    hit=_hit,
    shown=("title", "slug", "starts_at", "commune__name"),
    related=("commune",),
)
