"""Forms of the pages where facilitators set a campaign up. They read and shape the
input; the rules that involve other rows (unique keys, answers already given…) are
checked by `services.py`, `categories.py` and `questions.py`, whose refusals the views
show on these forms."""

from __future__ import annotations

from typing import Any, TypedDict

from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from tissage.core.covers import CoverFields
from tissage.territories.forms import CommunesField
from tissage.territories.models import Commune

from ..models import Campaign, CampaignField
from ..models.campaigns import Licence
from .questions import KEY_MAX_LENGTH, merimee_field_choices
from .services import check_dates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        # The browser's date picker sends and expects ISO dates whatever the language.
        super().__init__(format="%Y-%m-%d")


class CampaignForm(CoverFields):
    """A campaign's settings; with `creating`, also the template it starts from, else its
    cover (until it has one, it shows its project's)."""

    title = forms.CharField(
        label=capfirst(_("Title")),
        max_length=200,
        error_messages={"required": _("Give the campaign a title.")},
    )
    presentation = forms.CharField(
        label=capfirst(_("Presentation")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why this inventory, and who runs it. Markdown: **bold**, *italic*, lists."),
    )
    method = forms.CharField(
        label=capfirst(_("Method")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What to look for, how to take a good photo. Markdown."),
    )
    starts_on = forms.DateField(
        label=capfirst(_("Start")),
        widget=DateInput(),
        error_messages={
            "required": _("Give the date the campaign opens."),
            "invalid": _("Write the date as day/month/year, e.g. 15/03/2026."),
        },
    )
    ends_on = forms.DateField(
        label=capfirst(_("End")),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for a campaign without an end date."),
        error_messages={"invalid": _("Write the date as day/month/year, e.g. 15/03/2026.")},
    )
    communes = CommunesField(
        label=capfirst(_("Communes covered")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    licence = forms.ChoiceField(
        label=capfirst(_("Licence of contributions")),
        choices=Licence.choices,
        initial=Licence.ETALAB,
        widget=forms.RadioSelect,
        help_text=_(
            "Contributors accept it when they send an item; it says how everyone may reuse "
            "the items and photos. Items already sent keep the licence they were given under."
        ),
        error_messages={"invalid_choice": _("Choose one of the licences offered.")},
    )
    requires_account = forms.BooleanField(
        label=capfirst(_("Contributing needs an account")),
        required=False,
        help_text=_("Otherwise a name and a confirmed email address are enough."),
    )
    template = forms.ChoiceField(
        label=capfirst(_("Start from")),
        choices=Campaign.Template.choices,
        initial=Campaign.Template.FREE,
        widget=forms.RadioSelect,
        help_text=_(
            "The heritage template brings ready-made categories (wash-house, cross, well…) "
            "and questions mapped to the national Mérimée base; you can change them after."
        ),
        error_messages={"invalid_choice": _("Choose one of the templates offered.")},
    )

    def __init__(
        self,
        *args: Any,
        among: QuerySet[Commune],
        among_name: str,
        creating: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        communes = self.fields["communes"]
        assert isinstance(communes, CommunesField)
        communes.among, communes.among_name = among, among_name
        if creating:
            del self.fields["cover"], self.fields["cover_alt"]
        else:
            del self.fields["template"]
        self.fields["communes"].help_text = _(
            "Names or INSEE codes, separated by commas, among %(among)s. Leave empty to "
            "accept places anywhere."
        ) % {"among": among_name}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if message := check_dates(data.get("starts_on"), data.get("ends_on")):
            self.add_error("ends_on", message)
        return data


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=capfirst(_("Name")),
        max_length=120,
        error_messages={"required": _("Give the category a name.")},
    )
    description = forms.CharField(
        label=capfirst(_("Description")),
        max_length=300,
        required=False,
        help_text=_("A sentence to help contributors choose, e.g. what it includes."),
    )
    merimee_denomination = forms.CharField(
        label=capfirst(_("Mérimée denomination")),
        max_length=120,
        required=False,
        help_text=_(
            "Term of the national vocabulary (field DENO) used in the Mérimée export, "
            "e.g. “lavoir”. Optional."
        ),
    )


class QuestionValues(TypedDict):
    label: str
    kind: str
    help_text: str
    required: bool
    choices: str
    key: str
    merimee_field: str


class FieldForm(forms.Form):
    """A question of the contribution form."""

    label = forms.CharField(
        label=capfirst(_("Question")),
        max_length=200,
        error_messages={"required": _("Write the question.")},
    )
    help_text = forms.CharField(
        label=capfirst(_("Help")),
        max_length=300,
        required=False,
        help_text=_("Shown under the question, e.g. an example of answer."),
    )
    kind = forms.ChoiceField(
        label=capfirst(_("Kind of answer")),
        choices=[(value, capfirst(label)) for value, label in CampaignField.Kind.choices],
        initial=CampaignField.Kind.TEXT,
        error_messages={"invalid_choice": _("Choose a kind of answer among those offered.")},
    )
    choices = forms.CharField(
        label=capfirst(_("Choices")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For single and multiple choice questions only: one choice per line."),
    )
    required = forms.BooleanField(label=capfirst(_("An answer is required")), required=False)
    key = forms.CharField(
        label=capfirst(_("Key")),
        max_length=KEY_MAX_LENGTH,
        required=False,
        help_text=_(
            "Name of the column in exports: lowercase letters, digits and _. Leave empty "
            "to make it from the question. It cannot change once items answered."
        ),
    )
    merimee_field = forms.ChoiceField(
        label=capfirst(_("Mérimée field")),
        required=False,
        help_text=_("For the Mérimée export of heritage inventories. Optional."),
        error_messages={"invalid_choice": _("Choose a Mérimée field among those offered.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["merimee_field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("None")), *merimee_field_choices()]

    def values(self) -> QuestionValues:
        """The arguments of `questions.field_add` and `questions.field_update`."""
        data = self.cleaned_data
        return {
            "label": data["label"],
            "kind": data["kind"],
            "help_text": data["help_text"],
            "required": data["required"],
            "choices": data["choices"],
            "key": data["key"],
            "merimee_field": data["merimee_field"],
        }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1
