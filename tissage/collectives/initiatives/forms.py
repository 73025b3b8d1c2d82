from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tissage.territories.models import Commune

from ..models import Collective, Initiative

# An INSEE code alone, or in parentheses after the name: "Saint-Martin (34255)".
_INSEE = re.compile(r"^\s*(\d[\dAB]\d{3})\s*$", re.IGNORECASE)
_INSEE_IN_PARENTHESES = re.compile(r"\((\d[\dAB]\d{3})\)\s*$", re.IGNORECASE)


def commune_from_text(text: str) -> Commune | None:
    """The commune named by `text` (a name, an INSEE code, or "Name (code)"), or a
    ValidationError saying what to type instead."""
    text = " ".join(text.split())
    if not text:
        return None
    match = _INSEE.match(text) or _INSEE_IN_PARENTHESES.search(text)
    if match:
        commune = Commune.objects.filter(insee_code=match.group(1).upper()).first()
        if commune is None:
            raise ValidationError(
                _("No commune has the INSEE code %(code)s: check it, or type the name."),
                params={"code": match.group(1)},
            )
        return commune
    candidates = list(Commune.objects.filter(name__iexact=text)[:10])
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        raise ValidationError(
            _(
                "Several communes are called “%(name)s”: type yours with its INSEE code, "
                "one of: %(choices)s."
            ),
            params={
                "name": text,
                "choices": ", ".join(f"{c.name} ({c.insee_code})" for c in candidates),
            },
        )
    raise ValidationError(
        _("No commune is called “%(name)s”: check the spelling, or type its INSEE code."),
        params={"name": text},
    )


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
            field = forms.CharField(
                label=_("Commune (optional)"),
                max_length=210,
                required=False,
                help_text=_("Its name or INSEE code."),
            )
        self.fields["commune"] = field
        self.order_fields(["title", "what", "where", "commune", "needs"])

    def clean_commune(self) -> Commune | None:
        value = self.cleaned_data.get("commune")
        if isinstance(value, str):
            return commune_from_text(value)
        return value


def _commune_initial(commune: Commune | None, *, listed: bool) -> object:
    if commune is None:
        return None
    return commune.pk if listed else f"{commune.name} ({commune.insee_code})"


class InitiativeStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Initiative.Status.choices,
        error_messages={
            "required": _("Choose a status."),
            "invalid_choice": _("Choose one of the statuses in the list."),
        },
    )
