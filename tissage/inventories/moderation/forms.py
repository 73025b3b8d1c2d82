"""Forms of the moderation pages: queue filters, bulk decisions, one item's decision,
its edit (in four parts: item, answers, location, photos) and merges."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import ModelChoicesField
from tissage.territories.forms import LatitudeField, LongitudeField

from ..models import Campaign, CampaignField, Category, Contribution, Photo
from .services import MODERATION_TRANSITIONS

Status = Contribution.Status

NEEDS_MESSAGE = {Status.REJECTED, Status.NEEDS_INFO}
MESSAGE_HELP = _(
    "Sent to the contributor by email with the decision. Required to reject an item "
    "or to ask for more information: say what to do next."
)
MESSAGE_REQUIRED = _(
    "Write a message to the contributor: it is required to reject an item or to ask "
    "for more information."
)


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string (a GET form)."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("To moderate (submitted or needing more information)")),
            *Status.choices,
            ("all", _("All statuses")),
        ],
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    commune = forms.ChoiceField(label=_("Commune"), required=False)
    approximate = forms.BooleanField(
        label=_("Only items whose location is still to be placed"), required=False
    )
    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)

    def __init__(self, data: Any, *, campaign: Campaign) -> None:
        super().__init__(data)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *((c.slug, c.name) for c in campaign.categories.all()),
        ]
        self.fields["commune"].choices = [  # type: ignore[attr-defined]
            ("", _("All communes")),
            *(
                (c.insee_code, c.name)
                for c in campaign.communes.order_by("name").only("insee_code", "name")
            ),
        ]

    def filters(self) -> dict[str, Any]:
        """The valid filters, as `queries.queue_items` takes them; invalid ones are
        left out (the form shows their error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status", ""),
            "category": data.get("category", ""),
            "commune": data.get("commune", ""),
            "approximate": data.get("approximate", False),
            "search": (data.get("q") or "").strip(),
        }

    def query_string(self, page: str | None = None) -> str:
        """The valid filters (and page) as a query string: where to come back after a
        bulk action. Rebuilt from cleaned values, never copied from the request."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        params = {
            key: ("1" if data[key] is True else data[key])
            for key in ("status", "category", "commune", "approximate", "q")
            if data.get(key)
        }
        if page and page.isdigit():
            params["page"] = page
        return "?" + urlencode(params) if params else ""


BULK_ACTIONS = {
    "validate": Status.VALIDATED,
    "needs_info": Status.NEEDS_INFO,
    "reject": Status.REJECTED,
    "archive": Status.ARCHIVED,
}


class BulkDecisionForm(forms.Form):
    """The same decision for the items ticked in the queue."""

    items = ModelChoicesField(
        queryset=Contribution.objects.none(),
        error_messages={
            "required": _("Tick at least one item in the list."),
            "invalid_choice": _(
                "An item ticked is no longer in this campaign's queue. Reload the page."
            ),
            "invalid_pk_value": _("An item ticked is not valid. Reload the page."),
        },
    )
    action = forms.ChoiceField(
        choices=[
            ("validate", _("Validate")),
            ("needs_info", _("Ask for more information")),
            ("reject", _("Reject")),
            ("archive", _("Archive")),
        ],
        error_messages={"required": _("Choose what to do with the items ticked.")},
    )
    message = forms.CharField(
        label=_("Message to the contributors"),
        help_text=MESSAGE_HELP,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data: Any = None, *, campaign: Campaign) -> None:
        super().__init__(data)
        self.fields["items"].queryset = Contribution.objects.filter(  # type: ignore[attr-defined]
            campaign=campaign, merged_into__isnull=True
        ).order_by("created_at", "pk")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action and BULK_ACTIONS[action] in NEEDS_MESSAGE and not data.get("message", "").strip():
            self.add_error("message", MESSAGE_REQUIRED)
        return data

    @property
    def status(self) -> str:
        return BULK_ACTIONS[self.cleaned_data["action"]]


class DecisionForm(forms.Form):
    """One item's next status, among those its current status allows."""

    status = forms.ChoiceField(label=_("New status"), widget=forms.RadioSelect)
    message = forms.CharField(
        label=_("Message to the contributor"),
        help_text=MESSAGE_HELP,
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data: Any = None, *, item: Contribution) -> None:
        super().__init__(data)
        allowed = MODERATION_TRANSITIONS.get(Status(item.status), set())
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, capfirst(label)) for value, label in Status.choices if value in allowed
        ]

    @property
    def has_choices(self) -> bool:
        return bool(self.fields["status"].choices)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in NEEDS_MESSAGE and not data.get("message", "").strip():
            self.add_error("message", MESSAGE_REQUIRED)
        return data


# --- The edit, in four parts sharing one <form> --------------------------------------


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    address = forms.CharField(label=_("Address or place name"), required=False, max_length=300)

    def __init__(self, data: Any = None, *, item: Contribution) -> None:
        super().__init__(
            data,
            prefix="item",
            initial={
                "title": item.title,
                "description": item.description,
                "category": item.category_id,
                "address": item.address,
            },
        )
        self.fields["category"].queryset = item.campaign.categories.all()  # type: ignore[attr-defined]


def _initial_answer(question: CampaignField, value: Any, field: forms.Field) -> Any:
    if question.kind == CampaignField.Kind.YES_NO:
        # The select's options are "true" / "false" / "unknown", not Python's True / False.
        return {True: "true", False: "false"}.get(value, "unknown")
    if isinstance(field, forms.ChoiceField) and value not in (None, ""):
        # An answer outside today's choices (imported, or choices edited since) stays
        # selectable; otherwise saving any other change would blank it silently.
        current = list(cast(Iterable[tuple[Any, Any]], field.choices))
        offered = {str(choice) for choice, _label in current}
        missing = [
            v for v in (value if isinstance(value, list) else [value]) if str(v) not in offered
        ]
        field.choices = [*current, *((v, v) for v in missing)]
    return value


class AnswersForm(forms.Form):
    """The campaign's own questions, as asked to contributors."""

    def __init__(
        self, data: Any = None, *, item: Contribution, questions: Sequence[CampaignField]
    ) -> None:
        super().__init__(data, prefix="values")
        self.questions = list(questions)
        for question in self.questions:
            field = question.form_field()
            # A moderator completes what they know; a missing answer must not block a fix.
            field.required = False
            self.fields[question.key] = field
            self.initial[question.key] = _initial_answer(
                question, item.values.get(question.key), field
            )

    def answers(self) -> dict[str, Any]:
        return {q.key: q.to_json(self.cleaned_data.get(q.key)) for q in self.questions}


class LocationForm(forms.Form):
    longitude = LongitudeField(
        help_text=_("In decimal degrees, e.g. 4.3601. Moving the point finds the commune again.")
    )
    latitude = LatitudeField()
    location_approximate = forms.BooleanField(
        label=_(
            "The location is still to be placed precisely (unticked by itself when you "
            "move the point)"
        ),
        required=False,
    )
    obscure_location = forms.BooleanField(
        label=_("Do not show the exact location publicly (rounded to about 1 km)"),
        required=False,
    )

    def __init__(self, data: Any = None, *, item: Contribution) -> None:
        super().__init__(
            data,
            prefix="location",
            initial={
                "longitude": item.longitude,
                "latitude": item.latitude,
                "location_approximate": item.location_approximate,
                "obscure_location": item.obscure_location,
            },
        )


class PhotosForm(forms.Form):
    """The credit of each photo, and which ones to remove (never the last one)."""

    def __init__(self, data: Any = None, *, photos: Sequence[Photo]) -> None:
        super().__init__(data, prefix="photos")
        self.photos = list(photos)
        for position, photo in enumerate(self.photos, start=1):
            self.fields[f"credit_{photo.pk}"] = forms.CharField(
                label=_("Author of photo %(number)s") % {"number": position},
                max_length=120,
                initial=photo.credit,
                error_messages={"required": _("Give the author of the photo: they are credited.")},
            )
            self.fields[f"delete_{photo.pk}"] = forms.BooleanField(
                label=_("Remove photo %(number)s") % {"number": position}, required=False
            )

    def rows(self) -> list[tuple[Photo, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"credit_{p.pk}"], self[f"delete_{p.pk}"]) for p in self.photos]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.photos and all(data.get(f"delete_{p.pk}") for p in self.photos):
            raise forms.ValidationError(
                _("Keep at least one photo: an item always has one. Untick one of them.")
            )
        return data

    def credits(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"credit_{p.pk}"] for p in self.photos}

    def to_delete(self) -> set[int]:
        return {p.pk for p in self.photos if self.cleaned_data.get(f"delete_{p.pk}")}


class EditForms:
    """The four parts of the edit form, valid together or not at all."""

    def __init__(
        self,
        data: Any = None,
        *,
        item: Contribution,
        questions: Sequence[CampaignField],
        photos: Sequence[Photo],
    ) -> None:
        self.item = ItemForm(data, item=item)
        self.answers = AnswersForm(data, item=item, questions=questions)
        self.location = LocationForm(data, item=item)
        self.photos = PhotosForm(data, photos=photos)
        # A refusal of the service (e.g. a point outside the campaign's communes).
        self.refusal = ""

    @property
    def parts(self) -> list[forms.Form]:
        return [self.item, self.answers, self.location, self.photos]

    def is_valid(self) -> bool:
        # Every part is validated (no short cut), so that all their errors show at once.
        results = [part.is_valid() for part in self.parts]
        return all(results)

    def changes(self) -> dict[str, Any]:
        """Arguments of `services.contribution_edit`."""
        return {
            "title": self.item.cleaned_data["title"],
            "description": self.item.cleaned_data["description"],
            "category": self.item.cleaned_data["category"],
            "address": self.item.cleaned_data["address"],
            "values": self.answers.answers(),
            "lon": self.location.cleaned_data["longitude"],
            "lat": self.location.cleaned_data["latitude"],
            "location_approximate": self.location.cleaned_data["location_approximate"],
            "obscure_location": self.location.cleaned_data["obscure_location"],
            "photo_credits": self.photos.credits(),
            "photos_to_delete": self.photos.to_delete(),
        }


class MergeForm(forms.Form):
    """Which other item, and which one is kept."""

    INTO_THIS = "into_this"
    INTO_OTHER = "into_other"

    other = forms.IntegerField(
        label=_("Number of the other item"),
        min_value=1,
        help_text=_("Shown as “no.” in the queue and at the top of each item's page."),
        error_messages={
            "required": _("Give the number of the other item."),
            "invalid": _("The number of an item is a whole number, e.g. 124."),
            "min_value": _("The number of an item is a whole number, e.g. 124."),
        },
    )
    direction = forms.ChoiceField(
        label=_("Which item is kept?"),
        widget=forms.RadioSelect,
        initial=INTO_THIS,
        choices=[
            (INTO_THIS, _("Keep this item: the other one is merged into it")),
            (INTO_OTHER, _("Keep the other item: this one is merged into it")),
        ],
        error_messages={"required": _("Choose which item is kept.")},
    )

    def __init__(self, data: Any = None, *, campaign: Campaign) -> None:
        super().__init__(data)
        self.campaign = campaign

    def clean_other(self) -> Contribution:
        pk = self.cleaned_data["other"]
        other = (
            Contribution.objects.filter(campaign=self.campaign, pk=pk)
            .select_related("category", "commune")
            .first()
        )
        if other is None:
            raise forms.ValidationError(
                _("There is no item no. %(pk)s in this campaign. Check the number."),
                params={"pk": pk},
            )
        return other

    def pair(self, item: Contribution) -> tuple[Contribution, Contribution]:
        """(kept, duplicate)."""
        other = self.cleaned_data["other"]
        if self.cleaned_data["direction"] == self.INTO_THIS:
            return item, other
        return other, item
