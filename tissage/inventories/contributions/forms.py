"""The contribution form: built from the campaign (its categories, communes and questions)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, TypedDict, cast

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from tissage.accounts.models import User
from tissage.core.forms import EmailAddressField, ListSelect, PersonNameField
from tissage.core.photos import MAX_PHOTO_BYTES, PhotosField, PreparedPhoto
from tissage.territories.forms import LatitudeField, LongitudeField, point_from_fields
from tissage.territories.geography import is_valid_point, parse_coordinate
from tissage.territories.models import Commune

from ..models import Campaign, Category, Contribution, StagedPhoto
from ..models.campaigns import Licence
from .services import PhotoInput, possible_duplicates
from .staging import MAX_PHOTOS, staged_as_prepared

FIELD_PREFIX = "q_"


def credited(photos: list[PreparedPhoto], credit: str) -> list[PhotoInput]:
    """The photos (re-encoded without their metadata by the field), each credited to
    `credit`."""
    return [PhotoInput(photo=photo, credit=credit) for photo in photos]


def photos_room(field: forms.Field, kept: int) -> None:
    """Set the photo input for a form that keeps `kept` photos already: not required any
    more, and taking only what an item still has room for."""
    if not kept:
        return
    room = MAX_PHOTOS - kept
    field.max_count = room  # type: ignore[attr-defined]
    field.required = False
    field.label = _("More photos (optional)")
    field.error_messages["too_many"] = ngettext(
        "%(kept)d photo is kept above and an item has at most %(max)d: add at most "
        "%(room)d more, or remove one.",
        "%(kept)d photos are kept above and an item has at most %(max)d: add at most "
        "%(room)d more, or remove some.",
        kept,
    ) % {"kept": kept, "max": MAX_PHOTOS, "room": room}


class StagePhotosForm(forms.Form):
    """Photos sent as soon as they are chosen (with JavaScript), or a kept one taken off:
    for the contribution form whose key is given."""

    submission_key = forms.UUIDField()
    photos = PhotosField(max_count=MAX_PHOTOS, required=False)
    remove_photos = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.key: uuid.UUID | None = uuid.UUID(str(self.data.get("submission_key", "")))
        except ValueError:
            self.key = None
        staged = list(StagedPhoto.objects.of_form(campaign, self.key)) if self.key else []
        self.fields["remove_photos"].choices = [(photo.pk, photo.name) for photo in staged]  # type: ignore[attr-defined]
        removed = {str(value) for value in self["remove_photos"].value() or []}
        photos_room(self.fields["photos"], len([p for p in staged if str(p.pk) not in removed]))

    def photos_arrived(self) -> list[tuple[str, PreparedPhoto]]:
        return self.fields["photos"].accepted if self.key else []  # type: ignore[attr-defined]

    def photo_errors(self) -> list[str]:
        """What was refused, each naming its file (or why nothing could be kept)."""
        if self.key is None:
            return [gettext("This form is too old: reload the page, then choose the photos.")]
        return [str(error) for error in self.errors.get("photos", [])]


class ContributionForm(forms.Form):
    """What a person tells about an item, with or without JavaScript.

    The place is a point (tapped on the map, the device's position, or typed
    coordinates) or, without them, a commune: the item is then placed at the commune
    and marked for a moderator to place precisely.

    An item of the same category within 50 m is shown before sending (`duplicates`);
    the form is refused until the person ticks that theirs is another one, unless the
    place is only the commune's (then nothing precise to compare).
    """

    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=_("Choose a category"),
        error_messages={"required": _("Choose what kind of item it is.")},
    )
    # Made when the form is shown and sent back with it: a second sending of the same
    # form (double tap, reload) finds the item the first made (`contribution_submit`).
    submission_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Name of the item"),
        max_length=200,
        help_text=_("As people call it, e.g. “Lavoir de la Fontaine”."),
        error_messages={"required": _("Give the item a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What it looks like, its story, how to get there."),
    )
    longitude = LongitudeField(required=False)
    latitude = LatitudeField(required=False)
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Choose the commune"),
        help_text=_("Without coordinates, the item is placed at the commune for now."),
    )
    address = forms.CharField(
        label=_("Address or place name"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    photos = PhotosField(
        max_count=MAX_PHOTOS,
        label=_("Photos (1 to 5)"),
        # Translated when the page is shown, not when this module loads.
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
        error_messages={
            "required": _("Add at least one photo."),
            "too_many": _("Send at most five photos."),
        },
    )
    # Photos kept from an earlier sending of this form that the person takes off it.
    remove_photos = forms.TypedMultipleChoiceField(coerce=int, required=False)
    photo_credit = forms.CharField(
        label=_("Author of the photos"),
        max_length=120,
        required=False,
        help_text=_("Credited with each photo. Leave empty to credit your name."),
    )
    obscure_location = forms.BooleanField(
        label=_("Do not show the exact location publicly (about 1 km only)"), required=False
    )
    show_contributor = forms.BooleanField(
        label=_("Show my name with the item"), required=False, initial=True
    )
    guest_name = PersonNameField(
        label=_("Your name"),
        max_length=120,
        required=False,
        help_text=_("Shown with the item, unless you untick “Show my name with the item”."),
    )
    guest_email = EmailAddressField(
        label=_("Your email address"),
        required=False,
        help_text=_("To confirm your contribution and tell you the team's decision. Never shown."),
        error_messages={"invalid": _("Check the email address: it looks incomplete.")},
    )
    # Assisted entry: a facilitator types in the item of someone offline.
    on_behalf_name = PersonNameField(
        label=_("Name of the person who found it"),
        max_length=120,
        required=False,
        help_text=_("Leave empty if they prefer: the item is then credited to you."),
    )
    on_behalf_email = EmailAddressField(
        label=_("Their email address (optional)"),
        required=False,
        help_text=_("They will be told of the team's decisions."),
    )
    duplicate_ok = forms.BooleanField(label=_("It is another item: send it anyway"), required=False)
    consent = forms.BooleanField(
        error_messages={
            "required": _("Accept that your contribution is published under the licence.")
        },
    )

    def __init__(
        self,
        *args: Any,
        campaign: Campaign,
        mode: str,
        user: User | None = None,
        sees_hidden_places: bool = False,
        **kwargs: Any,
    ) -> None:
        """`mode` is "guest", "member" or "assisted" (a facilitator entering for someone);
        `user` the signed-in person; `sees_hidden_places` whether the duplicate warning may
        name items whose exact place is hidden (moderators)."""
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4())
        self.campaign = campaign
        self.key = self._bound_key()
        self._photos_kept()
        self.mode = mode
        self.user = user
        self.sees_hidden_places = sees_hidden_places
        # Items of the same category near the point, found by `clean` (nearest first).
        self.duplicates: list[tuple[Contribution, float]] = []
        self.user_name = user.public_name if user else ""
        self.fields["category"].queryset = campaign.categories.all()  # type: ignore[attr-defined]
        self.fields["commune"].queryset = campaign.communes.order_by("name").defer(  # type: ignore[attr-defined]
            "geometry"
        )
        licence = Licence(campaign.licence).label
        # Sending is agreeing, as on Wikipedia: said next to the button (`licence_statement`).
        # Only a facilitator entering for someone ticks a box: they vouch for another.
        self.licence_statement = _(
            "By sending, you agree that your contribution (text and photos) is published "
            "under the licence %(licence)s."
        ) % {"licence": licence}
        self.question_fields = []
        for question in campaign.fields.all():
            field = question.form_field()
            self.fields[FIELD_PREFIX + question.key] = field
            self.question_fields.append((question, FIELD_PREFIX + question.key))
        if mode == "guest":
            self.fields["guest_name"].required = True
            self.fields["guest_name"].error_messages["required"] = _("Give your name.")
            self.fields["guest_email"].required = True
            self.fields["guest_email"].error_messages["required"] = _(
                "Give your email address: your contribution waits until you confirm it."
            )
        else:
            del self.fields["guest_name"], self.fields["guest_email"]
        if mode != "assisted":
            del self.fields["on_behalf_name"], self.fields["on_behalf_email"]
            del self.fields["consent"]
        else:
            self.fields["consent"].label = _(
                "The person agrees that the contribution is published under the licence "
                "%(licence)s."
            ) % {"licence": licence}
        if self.user_name:
            self.fields["photo_credit"].initial = self.user_name

    def _bound_key(self) -> uuid.UUID | None:
        """The form's submission key when it is sent back; a fresh one when it was lost
        (a page from before keys existed): photos are kept under it all the same."""
        if not self.is_bound:
            return None
        try:
            return uuid.UUID(str(self.data.get("submission_key", "")))
        except ValueError:
            key = uuid.uuid4()
            # A copy keeps a QueryDict's lists (several photos taken off, say).
            data = self.data.copy()  # type: ignore[attr-defined]
            data["submission_key"] = str(key)
            self.data = data
            return key

    def _photos_kept(self) -> None:
        """The photos kept from earlier sendings of this form (`staging`), less those the
        person removes now; the photo input then takes only what is missing."""
        self.staged: list[StagedPhoto] = (
            list(StagedPhoto.objects.of_form(self.campaign, self.key)) if self.key else []
        )
        self.fields["remove_photos"].choices = [(photo.pk, photo.name) for photo in self.staged]  # type: ignore[attr-defined]
        removed = {str(value) for value in self["remove_photos"].value() or []}
        self.kept = [photo for photo in self.staged if str(photo.pk) not in removed]
        photos_room(self.fields["photos"], len(self.kept))

    def photos_kept_add(self, photos: list[StagedPhoto]) -> None:
        """The photos of this sending are kept now: the form shown again asks for no more."""
        self.kept += photos
        photos_room(self.fields["photos"], len(self.kept))

    def photos_arrived(self) -> list[tuple[str, PreparedPhoto]]:
        """The photos of this sending that could be used (with their file names), to keep
        when the form comes back for a correction."""
        return self.fields["photos"].accepted if self.is_bound else []  # type: ignore[attr-defined]

    def removed_photos(self) -> list[int]:
        kept = {photo.pk for photo in self.kept}
        return [photo.pk for photo in self.staged if photo.pk not in kept]

    def question_boundfields(self) -> list[forms.BoundField]:
        return [self[name] for _question, name in self.question_fields]

    def required_questions(self) -> list[forms.BoundField]:
        """The campaign's questions that must be answered: always in sight."""
        return [field for field in self.question_boundfields() if field.field.required]

    def optional_questions(self) -> list[forms.BoundField]:
        """The others, folded under "More details (optional)" so that the form stays
        short on a phone; unfolded when one of them holds an error."""
        return [field for field in self.question_boundfields() if not field.field.required]

    def optional_questions_have_errors(self) -> bool:
        return any(field.errors for field in self.optional_questions())

    def other_boundfields(self, names: list[str]) -> list[forms.BoundField]:
        return [self[name] for name in names if name in self.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A half-given point is an error on the missing coordinate (added here).
        point = point_from_fields(self)
        if (
            point is None
            and not data.get("commune")
            and not (self.has_error("longitude") or self.has_error("latitude"))
        ):
            self.add_error(
                "commune",
                _(
                    "Say where it is: type the coordinates (a tap on the map fills them in), "
                    "or choose the commune."
                ),
            )
        if not self.errors:
            self._check_duplicates(data)
            # The photos are credited to the name given, unless another author is named.
            data["photo_credit"] = data["photo_credit"] or (
                data.get("guest_name") or data.get("on_behalf_name") or self.user_name
            )
        return data

    def _check_duplicates(self, data: dict[str, Any]) -> None:
        lon, lat, approximate = self.point()
        self.duplicates = possible_duplicates(
            campaign=self.campaign,
            category=data["category"],
            lon=lon,
            lat=lat,
            moderator=self.sees_hidden_places,
            viewer=self.user,
        )
        if self.duplicates and not approximate and not data["duplicate_ok"]:
            self.add_error(
                "duplicate_ok",
                _("Check the items nearby first; tick the box if yours is another one."),
            )

    def point(self) -> tuple[float, float, bool]:
        """(lon, lat, approximate): the typed point, else a point in the chosen commune."""
        data = self.cleaned_data
        if data.get("longitude") is not None and data.get("latitude") is not None:
            return data["longitude"], data["latitude"], False
        lon, lat = data["commune"].inside_point()
        return lon, lat, True

    def values(self) -> dict[str, Any]:
        return {
            question.key: question.to_json(self.cleaned_data.get(name))
            for question, name in self.question_fields
            if self.cleaned_data.get(name) not in (None, "", [])
        }

    def submission(self) -> dict[str, Any]:
        """The arguments of `services.contribution_submit` (besides the campaign): who
        contributes, as the mode says, and what they told."""
        data = self.cleaned_data
        lon, lat, approximate = self.point()
        who: dict[str, Any] = {
            "guest": {
                "guest_name": data.get("guest_name", ""),
                "guest_email": data.get("guest_email", ""),
            },
            "member": {"contributor": self.user},
            "assisted": {
                "entered_by": self.user,
                "guest_name": data.get("on_behalf_name", ""),
                "guest_email": data.get("on_behalf_email", ""),
            },
        }[self.mode]
        return {
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "values": self.values(),
            "lon": lon,
            "lat": lat,
            "location_approximate": approximate,
            "address": data["address"],
            "obscure_location": data["obscure_location"],
            "show_contributor": data["show_contributor"],
            "photos": credited(
                [staged_as_prepared(photo) for photo in self.kept] + data["photos"],
                data["photo_credit"],
            ),
            "submission_key": self.key,
            **who,
        }


def nearby_place(
    campaign: Campaign, query: Mapping[str, str]
) -> tuple[Category, float, float] | None:
    """(category, lon, lat) asked by the live duplicate warning, or None when the form is
    not filled in enough yet (it is called as the person types: no error to show)."""
    lon = parse_coordinate(query.get("longitude", ""))
    lat = parse_coordinate(query.get("latitude", ""))
    if lon is None or lat is None or not is_valid_point(lon, lat):
        return None
    try:
        category = campaign.categories.get(pk=int(query.get("category", "")))
    except (ValueError, TypeError, Category.DoesNotExist):
        return None
    return category, lon, lat


class AnswerForm(forms.Form):
    """The contributor's answer to “needs more information”."""

    message = forms.CharField(
        label=_("Your answer to the team"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write an answer to the team.")},
    )
    title = forms.CharField(label=_("Name of the item"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    address = forms.CharField(label=_("Address or place name"), max_length=300, required=False)
    photos = PhotosField(
        max_count=MAX_PHOTOS,
        label=_("More photos (optional)"),
        required=False,
        error_messages={"too_many": _("Send at most five photos.")},
    )
    photo_credit = forms.CharField(label=_("Author of the photos"), max_length=120, required=False)

    def __init__(self, *args: Any, item: Contribution, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"title": item.title, "description": item.description, "address": item.address},
        )
        super().__init__(*args, **kwargs)
        self.item = item
        self.question_fields = []
        for question in item.campaign.fields.all():
            field = question.form_field()
            field.initial = item.values.get(question.key)
            self.fields[FIELD_PREFIX + question.key] = field
            self.question_fields.append((question, FIELD_PREFIX + question.key))

    def new_photos(self) -> list[PhotoInput]:
        """More photos, credited to the author named (else to the item's contributor, by
        the service)."""
        return credited(self.cleaned_data["photos"], self.cleaned_data["photo_credit"])

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = dict(self.item.values)
        for question, name in self.question_fields:
            value = data.get(name)
            if value in (None, "", []):
                values.pop(question.key, None)
            else:
                values[question.key] = question.to_json(value)
        return {
            "title": data["title"],
            "description": data["description"],
            "address": data["address"],
            "values": values,
        }


class ItemFilters(TypedDict, total=False):
    """The filters chosen, as `ContributionQuerySet.filtered` takes them."""

    category: str
    commune: str
    period: str


class ItemFilterForm(forms.Form):
    """The public filters of the list (and the map): category, commune, period."""

    category = forms.ChoiceField(label=_("Category"), required=False, widget=ListSelect)
    commune = forms.ChoiceField(label=_("Commune"), required=False, widget=ListSelect)
    period = forms.CharField(
        label=_("Period"),
        max_length=40,
        required=False,
        help_text=_("e.g. “XIXe”, “1850”"),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = campaign.filter_choices()
        self.fields["category"].choices = [("", _("All categories")), *choices.categories]  # type: ignore[attr-defined]
        self.fields["commune"].choices = [("", _("All communes")), *choices.communes]  # type: ignore[attr-defined]
        if choices.period_key is None:
            del self.fields["period"]

    def filters(self) -> ItemFilters:
        if not self.is_valid():
            return {}
        return cast(ItemFilters, {key: value for key, value in self.cleaned_data.items() if value})
