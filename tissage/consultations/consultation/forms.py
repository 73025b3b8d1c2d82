"""Forms of the pages where who runs a project sets a consultation up without code: its
settings and its categories. Errors are told next to the field they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..models import Category, Consultation

DATE_INVALID = _("Write the date as day/month/year, e.g. 15/03/2026.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date picker sends and expects ISO dates whatever the language.
        super().__init__(format="%Y-%m-%d")


class ConsultationForm(forms.Form):
    """A consultation's settings: the same form creates and edits it."""

    title = forms.CharField(
        label=capfirst(_("title")),
        max_length=160,
        error_messages={"required": _("Give the consultation a title.")},
    )
    text = forms.CharField(
        label=capfirst(_("presentation")),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What is at stake, what will be done with the answers. "
            "Markdown: **bold**, *italic*, lists."
        ),
        error_messages={"required": _("Say what the consultation is about.")},
    )
    opens_on = forms.DateField(
        label=capfirst(_("opens on")),
        widget=DateInput(),
        error_messages={"required": _("Give the day it opens."), "invalid": DATE_INVALID},
    )
    closes_on = forms.DateField(
        label=capfirst(_("closes on")),
        widget=DateInput(),
        help_text=_("People take part until the end of this day."),
        error_messages={"required": _("Give the day it closes."), "invalid": DATE_INVALID},
    )
    answers_until = forms.DateField(
        label=capfirst(_("official answers by")),
        widget=DateInput(),
        required=False,
        help_text=_("The date by which every proposal will have an answer (optional)."),
        error_messages={"invalid": DATE_INVALID},
    )
    parts = forms.MultipleChoiceField(
        label=_("Parts of the consultation"),
        choices=[
            ("proposals", capfirst(_("proposals (ideas)"))),
            ("map", capfirst(_("participatory map"))),
        ],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one part: proposals, the participatory map, or both.")
        },
    )
    requires_account = forms.TypedChoiceField(
        label=_("Who takes part"),
        choices=[
            ("0", _("Anyone: guests give their email address, which they confirm")),
            ("1", _("Only people with an account")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
        error_messages={"required": _("Choose who takes part.")},
    )
    published = forms.TypedChoiceField(
        label=_("Visibility"),
        choices=[
            ("0", _("Draft: seen by the project’s team only")),
            ("1", _("Published: seen by everyone who sees the project")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
        error_messages={"required": _("Choose whether it is published.")},
    )

    # The consultation's fields this form sets (`values()`).
    FIELDS = (
        "title",
        "text",
        "opens_on",
        "closes_on",
        "answers_until",
        "proposals_enabled",
        "map_enabled",
        "requires_account",
        "published",
    )

    @classmethod
    def initial_of(cls, consultation: Consultation) -> dict[str, Any]:
        return {
            "title": consultation.title,
            "text": consultation.text,
            "opens_on": consultation.opens_on,
            "closes_on": consultation.closes_on,
            "answers_until": consultation.answers_until,
            "parts": [
                part
                for part, enabled in [
                    ("proposals", consultation.proposals_enabled),
                    ("map", consultation.map_enabled),
                ]
                if enabled
            ],
            "requires_account": "1" if consultation.requires_account else "0",
            "published": "1" if consultation.published else "0",
        }

    def values(self) -> dict[str, Any]:
        """The consultation's fields, from the valid form."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"].strip(),
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
            "answers_until": data["answers_until"],
            "proposals_enabled": "proposals" in data["parts"],
            "map_enabled": "map" in data["parts"],
            "requires_account": data["requires_account"],
            "published": data["published"],
        }

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the consultation a title."))
        return title

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
        answers_until = data.get("answers_until")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("The closing day cannot come before the opening day."))
        elif closes_on and answers_until and answers_until < closes_on:
            self.add_error(
                "answers_until", _("Official answers come after the closing day, not before.")
            )
        return data


class CategoryForm(forms.Form):
    """Add or rename a category; its name is unique within its part."""

    part = forms.ChoiceField(
        label=_("For"),
        choices=[(value, capfirst(label)) for value, label in Category.Part.choices],
        initial=Category.Part.IDEAS,
    )
    name = forms.CharField(
        label=capfirst(_("name")),
        max_length=80,
        error_messages={"required": _("Give the category a name.")},
    )

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        category: Category | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.category = category
        if category is not None:
            # A category keeps its part: its proposals are of that part.
            del self.fields["part"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = (data.get("name") or "").strip()
        if "name" in data and not name:
            self.add_error("name", _("Give the category a name."))
            return data
        part = self.category.part if self.category is not None else data.get("part")
        if name and part:
            taken = Category.objects.filter(
                consultation=self.consultation, part=part, name__iexact=name
            )
            if self.category is not None:
                taken = taken.exclude(pk=self.category.pk)
            if taken.exists():
                self.add_error("name", _("There is already a category of this name."))
        data["name"] = name
        return data
