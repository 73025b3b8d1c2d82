"""All input of the proposals: the proposal form (a member, a guest, a facilitator for
someone offline; an idea or a remark on the map), the list's filters, a support, and the
title whose similar proposals are looked for."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import EmailAddressField, PersonNameField
from tissage.core.photos import MAX_PHOTO_BYTES, PhotosField, PreparedPhoto
from tissage.territories.forms import (
    CommuneField,
    CommuneInput,
    LatitudeField,
    LongitudeField,
    point_from_fields,
)

from ..models import Category, Consultation, Proposal, ProposalPhoto
from . import queries, services

MAX_PHOTOS = services.MAX_PHOTOS

# The ways of proposing (`mode`).
MEMBER, GUEST, ASSISTED = "member", "guest", "assisted"


class ProposalForm(forms.Form):
    """A proposal: title, text, category, commune, an optional place (required for a
    remark on the map) and up to three photos; a guest's name and address, or the name of
    the person a facilitator enters it for.

    Similar proposals are shown before a first sending (`similar`): while typing with
    JavaScript (the fragment then says they were seen), or, without it, by sending the
    form back once with the list and nothing else to correct. Photos that arrived with
    a sending that comes back are kept under the form's `submission_key` (`kept`).
    """

    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        help_text=_("In a few words, e.g. “Plant a hedge along the school path”."),
        error_messages={
            "required": _("Give your proposal a title."),
            "max_length": _(
                "Keep the title under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    text = forms.CharField(
        label=_("Your proposal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you propose, where, why it matters to you."),
        error_messages={
            "required": _("Say in a few sentences what you propose."),
            "max_length": _(
                "Keep the text under %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a category"),
        error_messages={
            "required": _("Choose a category."),
            "invalid_choice": _("Choose one of the categories of the list."),
        },
    )
    commune = CommuneField(
        label=_("Commune (optional)"),
        required=False,
        widget=CommuneInput(),
        help_text=_("Its name or INSEE code, e.g. Die or 26113."),
    )
    longitude = LongitudeField(required=False)
    latitude = LatitudeField(required=False)
    photos = PhotosField(
        max_count=MAX_PHOTOS,
        label=_("Photos (optional, up to 3)"),
        required=False,
        help_text=lazy(
            lambda: (
                gettext(
                    "JPEG, PNG, WebP or HEIC, up to %(size)s MB each. Where and when they were "
                    "taken is removed before anyone sees them."
                )
                % {"size": MAX_PHOTO_BYTES // (1024 * 1024)}
            ),
            str,
        )(),
        error_messages={"too_many": _("Send at most three photos.")},
    )
    guest_name = PersonNameField(
        label=_("Your name"),
        max_length=120,
        required=False,
        help_text=_("Shown with your proposal."),
    )
    guest_email = EmailAddressField(
        label=_("Your email address"),
        required=False,
        help_text=_("To confirm your proposal. Never shown."),
        error_messages={"invalid": _("Check the email address: it looks incomplete.")},
    )
    on_behalf_name = PersonNameField(
        label=_("Name of the person who proposes"),
        max_length=120,
        required=False,
        help_text=_("As they wish it shown; the page says that you entered it for them."),
    )
    # Made when the form is shown and sent back with it: the photos of a sending that
    # comes back wait for the next one under this key (`services.photos_keep`).
    # Text, read by `_bound_key`: a cut or forged key keeps nothing, and is no error.
    submission_key = forms.CharField(required=False, widget=forms.HiddenInput)
    # Kept photos the person takes off the form.
    remove_photos = forms.TypedMultipleChoiceField(coerce=int, required=False)
    # Set when the similar proposals were shown (by the fragment while typing, or by a
    # first sending without JavaScript): the form then goes through.
    similar_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, consultation: Consultation, part: str, mode: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.part = part
        self.mode = mode
        self.similar: list[queries.Similar] = []
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.key = self._bound_key()
        self.kept: list[ProposalPhoto] = list(services.kept_photos(self.key)) if self.key else []
        self.photos_room()
        categories = list(consultation.categories.filter(part=part))
        category = self.fields["category"]
        category.queryset = consultation.categories.filter(part=part)  # type: ignore[attr-defined]
        # The choices come from the list already read: no second query to draw them.
        category.choices = [("", category.empty_label), *((c.pk, c.name) for c in categories)]  # type: ignore[attr-defined]
        if not categories:
            del self.fields["category"]
        if part == Proposal.Part.IDEAS:
            # Similar titles while typing (an HTMX fragment under the box: `#similar`).
            self.fields["title"].widget.attrs.update(
                {
                    "hx-get": reverse("consultations:similar", args=[consultation.slug]),
                    "hx-trigger": "input changed delay:400ms",
                    "hx-target": "#similar",
                    "hx-swap": "outerHTML",
                    "hx-sync": "this:replace",
                }
            )
        if part == Proposal.Part.MAP:
            for name in ("longitude", "latitude"):
                self.fields[name].required = True
            self.fields["title"].help_text = _("In a few words, e.g. “Dangerous crossing”.")
            self.fields["text"].label = _("Your remark")
            self.fields["text"].help_text = _("What you see here, what you propose.")
            if "category" in self.fields:
                self.fields["category"].label = _("Kind of remark")
                self.fields["category"].empty_label = _("Choose a kind")  # type: ignore[attr-defined]
                self.fields["category"].choices = [  # type: ignore[attr-defined]
                    ("", _("Choose a kind")),
                    *((c.pk, c.name) for c in categories),
                ]
        if mode == GUEST:
            self.fields["guest_name"].required = True
            self.fields["guest_name"].error_messages["required"] = _("Give your name.")
            self.fields["guest_email"].required = True
            self.fields["guest_email"].error_messages["required"] = _(
                "Give your email address: your proposal waits until you confirm it."
            )
        else:
            del self.fields["guest_name"], self.fields["guest_email"]
        if mode == ASSISTED:
            self.fields["on_behalf_name"].required = True
            self.fields["on_behalf_name"].error_messages["required"] = _(
                "Give the name of the person who proposes."
            )
        else:
            del self.fields["on_behalf_name"]

    def _bound_key(self) -> uuid.UUID | None:
        if not self.is_bound:
            return None
        try:
            return uuid.UUID(str(self.data.get("submission_key", "")))
        except ValueError:
            return None

    def photos_room(self) -> None:
        """Photos kept from an earlier sending: each may be taken off; the file input
        takes only what a proposal still has room for."""
        self.fields["remove_photos"].choices = [(p.pk, str(p.pk)) for p in self.kept]  # type: ignore[attr-defined]
        removed = {str(value) for value in self["remove_photos"].value() or []}
        staying = len([p for p in self.kept if str(p.pk) not in removed])
        if not staying:
            return
        room = MAX_PHOTOS - staying
        field = self.fields["photos"]
        field.max_count = room  # type: ignore[attr-defined]
        field.label = _("More photos (optional)")
        # A bound field made already (the form was checked) keeps the label it read.
        self["photos"].label = field.label
        field.error_messages["too_many"] = ngettext(
            "%(kept)d photo is kept above and a proposal has at most %(max)d: add at most "
            "%(room)d more, or remove one.",
            "%(kept)d photos are kept above and a proposal has at most %(max)d: add at most "
            "%(room)d more, or remove some.",
            staying,
        ) % {"kept": staying, "max": MAX_PHOTOS, "room": room}

    def removed_photos(self) -> list[int]:
        """The kept photos the person took off (valid or not, the form's own)."""
        kept = {p.pk for p in self.kept}
        values = self["remove_photos"].value() or []
        return [int(v) for v in values if str(v).isdigit() and int(v) in kept]

    def photos_arrived(self) -> list[PreparedPhoto]:
        """The photos of this sending that the pipeline accepted, even if the form (or
        another photo) was refused: kept for the next sending."""
        return [photo for _name, photo in self.fields["photos"].accepted]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["point"] = point_from_fields(self)
        title = data.get("title")
        if self.part == Proposal.Part.IDEAS and title and not data.get("similar_seen"):
            self.similar = queries.similar_proposals(self.consultation, title)
            if self.similar:
                # The list comes back once, with `similar_seen` set in it (the template):
                # sent again, the form goes through.
                raise forms.ValidationError(
                    _(
                        "Proposals that look like yours are listed under the title: support "
                        "one of them, or send yours again if it is another idea."
                    ),
                    code="similar",
                )
        return data

    def only_similar(self) -> bool:
        """The form comes back only to show the similar proposals."""
        errors = self.errors.as_data()
        return list(errors) == ["__all__"] and all(
            error.code == "similar" for error in errors["__all__"]
        )

    def submission(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "part": self.part,
            "title": data["title"],
            "text": data["text"],
            "category": data.get("category"),
            "commune": data.get("commune"),
            "point": data.get("point"),
            "photos": data.get("photos") or [],
            "kept_key": self.key if self.kept else None,
            "submission_key": self.key,
            "guest_name": data.get("guest_name", ""),
            "guest_email": data.get("guest_email", ""),
            "on_behalf_name": data.get("on_behalf_name", ""),
        }


class ProposalFilterForm(forms.Form):
    """The list's order and filters (GET): an unknown value is an error next to its
    field, and the list shows without that filter."""

    # Chosen by the links above the list; the form keeps it when filtering.
    ordre = forms.ChoiceField(
        label=_("Order"),
        required=False,
        widget=forms.HiddenInput,
        choices=[
            (queries.SORT_RANDOM, _("Random order")),
            (queries.SORT_SUPPORTED, _("Most supported")),
            (queries.SORT_RECENT, _("Most recent")),
        ],
        error_messages={"invalid_choice": _("Choose one of the orders of the list.")},
    )
    categorie = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("All categories"),
        error_messages={"invalid_choice": _("Choose one of the categories of the list.")},
    )
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        widget=CommuneInput(),
        help_text=_("Its name or INSEE code."),
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = list(consultation.categories.filter(part=Category.Part.IDEAS))
        field = self.fields["categorie"]
        field.queryset = consultation.categories.filter(part=Category.Part.IDEAS)  # type: ignore[attr-defined]
        field.choices = [("", _("All categories")), *((c.pk, c.name) for c in categories)]  # type: ignore[attr-defined]
        if not categories:
            del self.fields["categorie"]

    def choices(self) -> dict[str, Any]:
        """The valid values (an invalid one is dropped, its error shown)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "sort": data.get("ordre") or queries.SORT_RANDOM,
            "category": data.get("categorie"),
            "commune": data.get("commune"),
        }


class SupportForm(forms.Form):
    """Support a proposal, or withdraw one's support; a guest gives their address."""

    SUPPORT, WITHDRAW = "soutenir", "retirer"

    action = forms.ChoiceField(
        choices=[(SUPPORT, SUPPORT), (WITHDRAW, WITHDRAW)],
        required=False,
        widget=forms.HiddenInput,
    )
    email = EmailAddressField(
        label=_("Your email address"),
        required=False,
        help_text=_("We send you a link: your support counts once you open it. Never shown."),
        error_messages={"invalid": _("Check the email address: it looks incomplete.")},
    )

    def __init__(self, *args: Any, guest: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guest = guest
        if guest:
            self.fields["email"].required = True
            self.fields["email"].error_messages["required"] = _(
                "Give your email address to support this proposal."
            )
        else:
            del self.fields["email"]

    @property
    def withdraws(self) -> bool:
        return self.cleaned_data.get("action") == self.WITHDRAW


class PaperSupportForm(forms.Form):
    """A support given on paper, recorded by who runs the consultation."""

    name = PersonNameField(
        label=_("Name of the person who supports it"),
        max_length=120,
        error_messages={"required": _("Give the name written on the paper.")},
    )


class SimilarForm(forms.Form):
    """The title typed so far (`?titre=`)."""

    titre = forms.CharField(max_length=300, required=False)
