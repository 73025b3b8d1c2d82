"""All input of questionnaires: setting one up, answering it, codes, moderation, the
results' filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.core.forms import EmailAddressField
from tissage.core.photos import PhotoField
from tissage.core.questions import question_form_field
from tissage.territories.forms import (
    CommuneField,
    CommuneInput,
    LatitudeField,
    LongitudeField,
    point_from_fields,
)
from tissage.territories.models import Commune

from ..models import AccessCode, Question, Questionnaire
from ..models.questionnaires import CODE_LENGTH, code_clean
from .services import MAX_CODES, AnswerInput

MAX_CHOICES = 30
MAX_SCALE_STEPS = 11
OTHER_CHOICE = "*other"

ANSWER_REQUIRED = _("Answer this question.")


# Setting up -----------------------------------------------------------------------------------


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "intro", "audience", "published", "results_public"]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 4}),
            "audience": forms.RadioSelect,
        }
        error_messages = {"title": {"required": _("Give the questionnaire a title.")}}


class ChoicesField(forms.CharField):
    """Choices typed one per line, cleaned to a list without blanks or repeats."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def clean(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list):  # the stored choices, when the field is disabled
            value = "\n".join(value)
        text = super().clean(value) or ""
        choices: list[str] = []
        for line in text.splitlines():
            line = " ".join(line.split())
            if line and line not in choices:
                choices.append(line)
        if len(choices) > MAX_CHOICES:
            raise forms.ValidationError(
                _("Give at most %(max)d choices."), params={"max": MAX_CHOICES}
            )
        if any(len(choice) > 200 or choice.startswith("*") for choice in choices):
            raise forms.ValidationError(
                _("Each choice is at most 200 characters and does not start with “*”.")
            )
        return choices


class QuestionForm(forms.ModelForm):
    choices = ChoicesField(
        label=_("Choices, one per line"),
        required=False,
        help_text=_("For single choice, multiple choice and ranking questions."),
    )

    class Meta:
        model = Question
        fields = [
            "label",
            "help_text",
            "kind",
            "required",
            "choices",
            "allow_other",
            "scale_min",
            "scale_max",
            "scale_min_label",
            "scale_max_label",
        ]
        error_messages = {"label": {"required": _("Write the question.")}}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        choices = data.get("choices") or []
        if kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE, Question.Kind.RANKING):
            if len(choices) < 2 and not self.has_error("choices"):
                self.add_error("choices", _("Give at least two choices, one per line."))
        else:
            data["choices"] = []
            data["allow_other"] = False
        if kind == Question.Kind.RANKING:
            data["allow_other"] = False
        low, high = data.get("scale_min"), data.get("scale_max")
        if kind == Question.Kind.SCALE and low is not None and high is not None:
            if high <= low:
                self.add_error("scale_max", _("The top of the scale must be above its bottom."))
            elif high - low + 1 > MAX_SCALE_STEPS:
                self.add_error(
                    "scale_max",
                    _("A scale has at most %(max)d steps, e.g. 0 to 10.")
                    % {"max": MAX_SCALE_STEPS},
                )
        elif kind != Question.Kind.SCALE:
            data["scale_min"], data["scale_max"] = 1, 5
        return data


class CodesForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many codes"),
        min_value=1,
        max_value=MAX_CODES,
        initial=24,
        help_text=_("24 fit on one A4 sheet."),
        error_messages={
            "required": _("Say how many codes to make, e.g. 24."),
            "min_value": _("Make at least one code."),
            "max_value": _("Make at most %(limit_value)s codes at a time."),
        },
    )


class CodeForm(forms.Form):
    """The code printed on paper, typed by whoever holds it (`code/`)."""

    code = forms.CharField(
        label=_("Your access code"),
        max_length=40,
        help_text=_("As printed on your paper, e.g. ACDE-FGH3."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("Type the code printed on your paper.")},
    )

    def clean_code(self) -> AccessCode:
        code = code_clean(self.cleaned_data["code"])
        access_code = (
            AccessCode.objects.select_related("questionnaire").filter(code=code).first()
            if len(code) == CODE_LENGTH
            else None
        )
        if access_code is None:
            raise forms.ValidationError(
                _("This code is unknown: check it against your paper (8 letters and digits).")
            )
        if access_code.used_at is not None:
            raise forms.ValidationError(
                _("This code has been used already: each code answers once.")
            )
        return access_code


class ModerationForm(forms.Form):
    answers = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one answer.")},
    )
    decision = forms.ChoiceField(
        choices=[("publish", _("Publish")), ("private", _("Keep private"))],
        error_messages={"required": _("Say what to do with the answers.")},
    )

    def __init__(self, *args: Any, answer_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers"].choices = [(pk, str(pk)) for pk in answer_ids]  # type: ignore[attr-defined]


class ResultsFilterForm(forms.Form):
    commune = forms.ChoiceField(label=_("Commune of the respondents"), required=False)

    def __init__(self, *args: Any, communes: list[Commune], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [  # type: ignore[attr-defined]
            ("", _("All communes")),
            *((c.insee_code, c.name) for c in communes),
        ]
        self.fields["commune"].error_messages["invalid_choice"] = _(
            "Nobody answered from this commune: choose one from the list."
        )


# Answering ------------------------------------------------------------------------------------


@dataclass
class Block:
    """A question and the fields that ask it, as the template shows them."""

    question: Question
    fields: list[forms.BoundField]
    # Several fields (ranking, a place): grouped in a fieldset with the label as legend.
    grouped: bool = False
    # The place question that gets the map.
    picker: bool = False


class AnswerForm(forms.Form):
    """Every question of a questionnaire on one page; the respondent's commune; a guest's
    address or a paper code when the questionnaire asks for them.

    `ask_email`: a guest answering a questionnaire open to anyone; `ask_code`: a code
    questionnaire, or a facilitator's assisted entry (`code_required` False)."""

    def __init__(
        self,
        *args: Any,
        questionnaire: Questionnaire,
        questions: list[Question],
        ask_email: bool = False,
        ask_code: bool = False,
        code_required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        self.questions = questions
        self.code_required = code_required
        self.picker_question: Question | None = None
        if ask_code:
            self.fields["code"] = forms.CharField(
                label=_("Access code"),
                max_length=40,
                required=code_required,
                help_text=_("As printed on the paper, e.g. ACDE-FGH3.")
                if code_required
                else _("The code written on the paper, if it has one."),
                widget=forms.TextInput(attrs={"autocomplete": "off"}),
                error_messages={"required": _("Type the code printed on your paper.")},
            )
        for question in questions:
            self._add_question(question)
        self.fields["commune"] = CommuneField(
            label=_("Your commune (optional)"),
            required=False,
            help_text=_("To read the answers commune by commune."),
            widget=CommuneInput(),
        )
        if ask_email:
            self.fields["email"] = EmailAddressField(
                label=_("Your email address"),
                help_text=_(
                    "To confirm that you answer once: we send you a link. It is not published."
                ),
                error_messages={
                    "required": _(
                        "Give your email address: your answer counts once you confirm it."
                    ),
                    "invalid": _("Type an email address such as name@example.org."),
                },
            )

    def _add_question(self, question: Question) -> None:
        name = question.field_name
        common: dict[str, Any] = {
            "label": question.label,
            "help_text": question.help_text,
            "required": question.required,
        }
        errors = {"required": ANSWER_REQUIRED}
        kind = question.kind
        field: forms.Field
        if kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE):
            field = question_form_field(
                kind=kind, choices=question.choices, choice_widget=forms.RadioSelect, **common
            )
            if question.allow_other:
                field.required = False
                if kind == Question.Kind.CHOICE:
                    field.choices = [*field.choices, (OTHER_CHOICE, _("Other"))]  # type: ignore[attr-defined]
                field.error_messages.update(errors)
                # The choices first, then the box of the other answer.
                self.fields[name] = field
                self.fields[f"{name}_other"] = forms.CharField(
                    label=_("Other (say which)"), max_length=300, required=False
                )
                return
        elif kind == Question.Kind.SCALE:
            values = question.scale_values()
            labels = {values[0]: question.scale_min_label, values[-1]: question.scale_max_label}
            field = forms.TypedChoiceField(
                coerce=int,
                choices=[(v, f"{v} — {labels[v]}" if labels.get(v) else str(v)) for v in values],
                widget=forms.RadioSelect,
                **common,
            )
        elif kind == Question.Kind.RANKING:
            positions = [("", "—")] + [(i, str(i)) for i in range(1, len(question.choices) + 1)]
            for index, choice in enumerate(question.choices):
                self.fields[f"{name}_r{index}"] = forms.TypedChoiceField(
                    label=choice,
                    coerce=int,
                    empty_value=None,
                    choices=positions,
                    required=False,
                )
            return
        elif kind == Question.Kind.PLACE:
            longitude = LongitudeField(required=False)
            latitude = LatitudeField(required=False)
            if self.picker_question is None:
                # The inventories' map picker (inventories/picker.js) fills the inputs
                # #id_longitude and #id_latitude: the first place question gets the map,
                # any other is typed as coordinates.
                self.picker_question = question
                longitude.widget.attrs["id"] = "id_longitude"
                latitude.widget.attrs["id"] = "id_latitude"
            self.fields[f"{name}_longitude"] = longitude
            self.fields[f"{name}_latitude"] = latitude
            return
        elif kind == Question.Kind.COMMUNE:
            field = CommuneField(widget=CommuneInput(), **common)
        elif kind == Question.Kind.PHOTO:
            field = PhotoField(**common)
        else:
            field = question_form_field(kind=kind, **common)
            if kind == Question.Kind.NUMBER:
                # A decimal comma, as people type numbers in French.
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
        field.error_messages.update(errors)
        self.fields[name] = field

    def blocks(self) -> list[Block]:
        """The questions in order, each with its bound fields."""
        result = []
        for question in self.questions:
            names = [
                n
                for n in self.fields
                if n == question.field_name or n.startswith(f"{question.field_name}_")
            ]
            grouped = question.kind in (Question.Kind.RANKING, Question.Kind.PLACE)
            picker = question == self.picker_question
            result.append(Block(question, [self[n] for n in names], grouped, picker))
        return result

    def clean_code(self) -> AccessCode | None:
        text = code_clean(self.cleaned_data.get("code") or "")
        if not text:
            return None
        access_code = AccessCode.objects.filter(questionnaire=self.questionnaire, code=text).first()
        if access_code is None:
            raise forms.ValidationError(
                _("This code is not one of this questionnaire's: check it against the paper.")
            )
        if access_code.used_at is not None:
            raise forms.ValidationError(
                _("This code has been used already: each code answers once.")
            )
        return access_code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.answers: list[AnswerInput] = []
        for question in self.questions:
            answer = self._answer(question, data)
            if answer is not None:
                self.answers.append(answer)
        return data

    def _answer(self, question: Question, data: dict[str, Any]) -> AnswerInput | None:
        name = question.field_name
        kind = question.kind
        if self.has_error(name):
            return None
        value = data.get(name)
        if kind in (Question.Kind.CHOICE, Question.Kind.MULTIPLE_CHOICE):
            other = (data.get(f"{name}_other") or "").strip()
            if kind == Question.Kind.CHOICE and value == OTHER_CHOICE:
                value = None
                if not other:
                    self.add_error(f"{name}_other", _("Say which other answer you choose."))
                    return None
            elif kind == Question.Kind.CHOICE and value and other:
                self.add_error(
                    f"{name}_other", _("Choose one answer, or write another one: not both.")
                )
                return None
            if question.required and not value and not other:
                self.add_error(name, ANSWER_REQUIRED)
                return None
            return AnswerInput(question=question, value=value or None, text=other)
        if kind == Question.Kind.RANKING:
            return self._ranking(question, data)
        if kind == Question.Kind.PLACE:
            point = point_from_fields(
                self, longitude=f"{name}_longitude", latitude=f"{name}_latitude"
            )
            if point is None:
                if (
                    question.required
                    and not self.has_error(f"{name}_longitude")
                    and not self.has_error(f"{name}_latitude")
                ):
                    self.add_error(
                        f"{name}_longitude", _("Give the place: its longitude and latitude.")
                    )
                return None
            return AnswerInput(question=question, value=[round(point[0], 6), round(point[1], 6)])
        if kind == Question.Kind.COMMUNE:
            return AnswerInput(question=question, value=value.insee_code if value else None)
        if kind == Question.Kind.PHOTO:
            return AnswerInput(question=question, photo=value)
        if kind in (Question.Kind.TEXT, Question.Kind.LONG_TEXT):
            return AnswerInput(question=question, text=(value or "").strip())
        if kind == Question.Kind.NUMBER:
            return AnswerInput(question=question, value=float(value) if value is not None else None)
        if kind == Question.Kind.DATE:
            return AnswerInput(question=question, value=value.isoformat() if value else None)
        return AnswerInput(question=question, value=value)

    def _ranking(self, question: Question, data: dict[str, Any]) -> AnswerInput | None:
        name = question.field_name
        first = f"{name}_r0"
        ranks = {
            choice: data.get(f"{name}_r{index}") for index, choice in enumerate(question.choices)
        }
        given = {choice: rank for choice, rank in ranks.items() if rank is not None}
        if not given:
            if question.required:
                self.add_error(first, _("Give each choice its position: 1 for the first."))
            return None
        if len(given) != len(ranks) or sorted(given.values()) != list(range(1, len(ranks) + 1)):
            self.add_error(
                first,
                _("Give each choice a different position, from 1 to %(count)d.")
                % {"count": len(ranks)},
            )
            return None
        return AnswerInput(question=question, value=sorted(given, key=given.__getitem__))
