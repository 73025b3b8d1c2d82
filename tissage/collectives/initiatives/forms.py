from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.territories.forms import CommuneField
from tissage.territories.models import Commune

from ..models import Collective, Initiative


class InitiativeForm(forms.Form):
    """Propose or edit an initiative. The commune is a list of the collective's
    communes when it has some, a text field (name or INSEE code) otherwise."""

    title = forms.CharField(
        label=_("Name of the initiative"),
        max_length=150,
        help_text=_("Short and concrete, for example “A producers’ shop in the village”."),
        error_messages={"required": _("Give the initiative a name.")},
    )
    what = forms.CharField(
        label=_("What is it?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("The idea, why it matters, what you imagine. Markdown works."),
        error_messages={"required": _("Say in a few words what the initiative is.")},
    )
    where = forms.CharField(
        label=_("Where? (optional)"),
        max_length=200,
        required=False,
        help_text=_("A place, a street, a hamlet…"),
    )
    needs = forms.CharField(
        label=_("Who or what is needed? (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("People, skills, tools, a place, money…"),
    )

    def __init__(
        self,
        *args: Any,
        collective: Collective,
        initiative: Initiative | None = None,
        **kwargs: Any,
    ) -> None:
        communes = list(collective.communes.order_by("name", "insee_code"))
        if initiative is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": initiative.title,
                "what": initiative.what,
                "where": initiative.where,
                "needs": initiative.needs,
                "commune": _commune_initial(initiative.commune, listed=bool(communes)),
            }
        super().__init__(*args, **kwargs)
        field: forms.Field
        if communes:
            field = forms.ModelChoiceField(
                label=_("Commune (optional)"),
                queryset=collective.communes.order_by("name", "insee_code"),
                required=False,
                empty_label=_("— none —"),
                error_messages={"invalid_choice": _("Choose one of the collective’s communes.")},
            )
            # The choices come from the list already read: no second query to draw them.
            field.choices = [("", _("— none —")), *((c.pk, str(c)) for c in communes)]
        else:
            field = CommuneField(
                label=_("Commune (optional)"),
                required=False,
                help_text=_("Its name or INSEE code."),
            )
        self.fields["commune"] = field
        self.order_fields(["title", "what", "where", "commune", "needs"])


def _commune_initial(commune: Commune | None, *, listed: bool) -> object:
    if commune is None:
        return None
    # Unlisted, the text field shows it as "Name (code)", which reads back without doubt.
    return commune.pk if listed else commune


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Initiative.Status.choices,
        error_messages={
            "required": _("Choose a status."),
            "invalid_choice": _("Choose one of the statuses in the list."),
        },
    )
