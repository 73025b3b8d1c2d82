"""Covers: the picture of a project, a campaign, an action or a collective, on its cards
and its pages, and in the previews other sites show of a shared link.

A cover is a public file (`core.files`) that went through the photo pipeline
(`core.photos.PhotoField`: checked, resized, re-encoded from its pixels only, under a
random name), with a description for people who cannot see it. Where a thing has no
cover of its own, `cover_first` takes the next one offered (an action shows its
project's); where none is left, the cards draw a coloured block with a shape instead
(`core/cover.html`): never a broken image, no extra request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tissage.core.files import files_delete_on_commit

from .photos import PhotoField

# Covers are shown across a card or a page, and as link previews (1200 × 630 is what
# Open Graph asks for): no need for the pipeline's 2048 px.
COVER_MAX_SIDE = 1200


@dataclass(frozen=True)
class Cover:
    image: FieldFile
    alt: str


def cover_first(*candidates: tuple[FieldFile | None, str]) -> Cover | None:
    """The first of (picture, description) that has a picture, or None."""
    for image, alt in candidates:
        if image:
            return Cover(image, alt)
    return None


class CoverFields(forms.Form):
    """The cover and its description, for the edit forms of things that have one: a base
    of the form (`class CampaignForm(CoverFields)`) whose `clean` asks for the description
    whenever a picture is kept. Give `initial={"cover": row.cover, "cover_alt": …}` so the
    current picture is shown with a box to remove it."""

    cover = PhotoField(
        label=capfirst(_("cover picture")),
        required=False,
        max_side=COVER_MAX_SIDE,
        help_text=_("Shown on cards and when the page is shared. JPEG, PNG, WebP or HEIC."),
    )
    cover_alt = forms.CharField(
        label=capfirst(_("description of the cover picture")),
        max_length=200,
        required=False,
        help_text=_("For people who cannot see the picture."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After the form's own fields (a base's fields come first).
        for name in ("cover", "cover_alt"):
            self.fields[name] = self.fields.pop(name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cover_alt_check(self, data)
        return data


def cover_alt_check(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """A picture kept or sent needs its description."""
    data["cover_alt"] = (data.get("cover_alt") or "").strip()
    if data.get("cover") and not data["cover_alt"] and "cover_alt" not in form.errors:
        form.add_error("cover_alt", _("Describe the picture in a few words."))


def cover_save(row: models.Model, data: dict[str, Any]) -> bool:
    """Store what a `CoverFields` form says about `row`'s cover; True if anything changed.

    A new picture replaces the old one, the box ticked removes it; the old file is
    deleted once the transaction is committed (a rollback must not lose it).
    """
    current: FieldFile = row.cover  # type: ignore[attr-defined]
    value = data.get("cover")
    # Removing the picture removes its description.
    alt = "" if value is False else data.get("cover_alt", "")
    old_name = current.name or ""
    changed: list[str] = []
    if isinstance(value, ContentFile):
        current.save(value.name or "cover", value, save=False)
        changed.append("cover")
    elif value is False and old_name:
        current.name = ""
        changed.append("cover")
    if alt != row.cover_alt:  # type: ignore[attr-defined]
        row.cover_alt = alt  # type: ignore[attr-defined]
        changed.append("cover_alt")
    if changed:
        row.save(update_fields=changed)
    if "cover" in changed and old_name:
        files_delete_on_commit([(current.storage, old_name)])
    return bool(changed)
