"""Forms of the official answers, moderation and finishing a consultation. Errors are
told next to the field they are about."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from ..models import Proposal
from .queries import ALL, HIDDEN, WITHOUT

ANSWER_STATUSES = [(value, capfirst(label)) for value, label in Proposal.Answer.choices if value]


class AnswerForm(forms.Form):
    """The official answer: a status and a text; "not retained" needs the reason."""

    status = forms.ChoiceField(
        label=_("Answer"),
        choices=ANSWER_STATUSES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the answer."),
            "invalid_choice": _("Choose one of the answers offered."),
        },
    )
    text = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What will be done, when, by whom; or why not. Required when the proposal "
            "is not retained. Its author and supporters read it."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["text"] = (data.get("text") or "").strip()
        if data.get("status") == Proposal.Answer.NOT_RETAINED and not data["text"]:
            self.add_error(
                "text", _("Say why the proposal is not retained: its author is owed a reason.")
            )
        return data


HIDE, SHOW = "masquer", "afficher"


class HideForm(forms.Form):
    """Hiding a proposal needs a reason, told to its author; showing it again does not.

    The form says what it asks (`action`), never "the other state": a second tap on
    "Hide", or a page left open in another tab, must not show the proposal again."""

    action = forms.ChoiceField(choices=[(HIDE, HIDE), (SHOW, SHOW)], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for hiding it"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to its author, e.g. “insulting words”, “a duplicate of …”."),
    )

    def __init__(self, *args: Any, hiding: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].initial = HIDE if hiding else SHOW
        self.hiding = hiding if not self.is_bound else self.data.get("action") == HIDE
        if not self.hiding:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "action" in self.errors:
            self.add_error(None, _("This form is out of date: load the page again."))
        if self.hiding:
            data["reason"] = (data.get("reason") or "").strip()
            if not data["reason"] and "reason" not in self.errors:
                self.add_error("reason", _("Give the reason: its author will read it."))
        return data


class FinishForm(forms.Form):
    """The closing statement; with proposals still without an answer, an explicit check
    that says how many, published with the statement."""

    statement = forms.CharField(
        label=_("Closing statement"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "What came out of the consultation, what happens next. Shown at the top of "
            "its page. Markdown: **bold**, *italic*, lists."
        ),
        error_messages={"required": _("Write the closing statement.")},
    )
    # How many proposals without an answer the page showed: if it changed meanwhile,
    # the facilitator confirms the new number.
    unanswered = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(
        required=False, label=pgettext_lazy("finish", "I finish it"), label_suffix=""
    )

    def __init__(self, *args: Any, unanswered: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {**kwargs["initial"], "unanswered": unanswered}
        super().__init__(*args, **kwargs)
        self.current_unanswered = unanswered
        if unanswered:
            self.fields["confirm"].label = ngettext(
                "I finish it with %(count)s proposal without an answer",
                "I finish it with %(count)s proposals without an answer",
                unanswered,
            ) % {"count": unanswered}
            self.fields["confirm"].help_text = _("This number is published with the statement.")
        else:
            del self.fields["confirm"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["statement"] = (data.get("statement") or "").strip()
        if "statement" in data and not data["statement"] and "statement" not in self.errors:
            self.add_error("statement", _("Write the closing statement."))
        if self.current_unanswered:
            if data.get("unanswered") != self.current_unanswered:
                # Shown again with the new number, which the next check confirms.
                self.data = {**dict(self.data.items()), "unanswered": str(self.current_unanswered)}
                self.add_error(
                    "confirm",
                    ngettext(
                        "The number of proposals without an answer changed: it is now "
                        "%(count)s. Check it and confirm again.",
                        "The number of proposals without an answer changed: it is now "
                        "%(count)s. Check it and confirm again.",
                        self.current_unanswered,
                    )
                    % {"count": self.current_unanswered},
                )
            elif not data.get("confirm"):
                self.add_error(
                    "confirm",
                    _(
                        "Check this box to finish it with proposals still without an "
                        "answer, or answer them first."
                    ),
                )
        return data


class AnswersFilterForm(forms.Form):
    """Which proposals the staff list shows (`?reponse=`), each choice with its count."""

    reponse = forms.ChoiceField(label=_("Show"), required=False)

    def __init__(self, *args: Any, counts: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = [
            (WITHOUT, _("without an answer")),
            *ANSWER_STATUSES,
            (HIDDEN, _("hidden")),
            (ALL, _("all published")),
        ]
        self.fields["reponse"].choices = [  # type: ignore[attr-defined]
            (value, f"{label} ({counts.get(value, 0)})") for value, label in labels
        ]

    def shown(self) -> str:
        if self.is_valid():
            return self.cleaned_data["reponse"] or WITHOUT
        return WITHOUT
