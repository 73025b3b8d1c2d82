"""Questions defined without code, asked in forms: one engine for every app that lets a
facilitator write its own questions (an inventory campaign's extra fields, a
consultation's questionnaires).

A question is a kind, a label, a help text, whether it is required and, for choices,
its options. `question_form_field` turns it into the Django form field that asks it;
`answer_display` shows a stored answer as people read it. Apps add kinds of their own
(a place on the map, a photo) around these, and store the answers as they need.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The kinds this engine asks; apps name theirs with the same words.
TEXT = "text"
LONG_TEXT = "long_text"
NUMBER = "number"
YES_NO = "yes_no"
CHOICE = "choice"
MULTIPLE_CHOICE = "multiple_choice"
DATE = "date"

KINDS = (TEXT, LONG_TEXT, NUMBER, YES_NO, CHOICE, MULTIPLE_CHOICE, DATE)


def question_form_field(
    *,
    kind: str,
    label: str | Promise,
    help_text: str | Promise = "",
    required: bool = False,
    choices: Sequence[str] = (),
    choice_widget: type[forms.Widget] = forms.Select,
) -> forms.Field:
    """The form field that asks a question of one of `KINDS` (any other kind: short
    text). A yes/no question is never required: "I don't know" is an answer.
    `choice_widget`: a select (the default) or radio buttons for a single choice."""
    common: dict[str, Any] = {
        "label": label,
        "help_text": help_text,
        "required": required and kind != YES_NO,
    }
    options = [(choice, choice) for choice in choices]
    match kind:
        case "long_text":
            return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)
        case "number":
            return forms.DecimalField(max_digits=12, decimal_places=3, **common)
        case "yes_no":
            return forms.NullBooleanField(
                widget=forms.Select(
                    choices=[
                        ("unknown", _("I don't know")),
                        ("true", _("Yes")),
                        ("false", _("No")),
                    ]
                ),
                **common,
            )
        case "choice":
            if choice_widget is forms.RadioSelect:
                return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
            return forms.ChoiceField(choices=[("", "—"), *options], widget=forms.Select, **common)
        case "multiple_choice":
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        case "date":
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        case _:
            return forms.CharField(max_length=300, **common)


def answer_display(value: Any) -> str:
    """A stored answer as people read it: yes/no in words, lists joined by commas."""
    if value is True:
        return str(_("Yes"))
    if value is False:
        return str(_("No"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
