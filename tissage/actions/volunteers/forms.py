"""Forms of the forces vives: one's availability, and the facilitators' filters."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tissage.actions.models import VolunteerProfile
from tissage.territories.forms import CommunesField
from tissage.territories.models import Commune

MAX_SKILLS = 20
SKILL_MAX_LENGTH = 60


class AvailabilityForm(forms.Form):
    opted_in = forms.BooleanField(
        label=_("Facilitators of projects may see my name, skills and communes and invite me"),
        required=False,
    )
    common_skills = forms.MultipleChoiceField(
        label=_("What I can do or lend"),
        choices=VolunteerProfile.Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the skills offered.")},
    )
    other_skills = forms.CharField(
        label=_("Other skills"),
        required=False,
        max_length=600,
        help_text=_("In a few words each, separated by commas (e.g. beekeeping, welding)."),
    )
    communes = CommunesField(
        label=_("Communes I can reach"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Names or INSEE codes, separated by commas (e.g. Pessac, 33063). Facilitators "
            "look for people who can reach the commune of their action."
        ),
    )
    note = forms.CharField(
        label=_("Note for facilitators"),
        required=False,
        max_length=300,
        help_text=_("E.g. available on weekends only."),
    )

    @classmethod
    def initial_for(cls, profile: VolunteerProfile | None) -> dict[str, Any]:
        if profile is None:
            return {}
        common = {choice.value for choice in VolunteerProfile.Skill}
        return {
            "opted_in": profile.opted_in,
            "common_skills": [skill for skill in profile.skills if skill in common],
            "other_skills": ", ".join(skill for skill in profile.skills if skill not in common),
            # Shown as "Name (code), …" by the field.
            "communes": list(profile.communes.all()),
            "note": profile.note,
        }

    def clean_other_skills(self) -> list[str]:
        skills: list[str] = []
        for raw in re.split(r"[,;\n]+", self.cleaned_data["other_skills"]):
            skill = " ".join(raw.split())
            if not skill:
                continue
            if len(skill) > SKILL_MAX_LENGTH:
                raise forms.ValidationError(
                    _("“%(skill)s…” is too long: %(max)s characters at most per skill."),
                    params={"skill": skill[:20], "max": SKILL_MAX_LENGTH},
                )
            if skill.casefold() not in {known.casefold() for known in skills}:
                skills.append(skill)
        return skills

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        skills = [*data.get("common_skills", []), *data.get("other_skills", [])]
        if len(skills) > MAX_SKILLS:
            self.add_error(
                "other_skills",
                _("%(max)s skills at most: keep the ones you most want to offer.")
                % {"max": MAX_SKILLS},
            )
        data["skills"] = skills
        return data


class VolunteerFilterForm(forms.Form):
    """GET filters of the facilitators' list: a skill, and the action's commune or not."""

    WHERE_COMMUNE, WHERE_ANY = "commune", "any"

    competence = forms.ChoiceField(label=_("Skill"), required=False)
    lieu = forms.ChoiceField(
        label=_("Where"), required=False, widget=forms.RadioSelect, initial=WHERE_COMMUNE
    )

    def __init__(
        self, *args: Any, skills: list[tuple[str, str]], commune: Commune | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        competence = self.fields["competence"]
        assert isinstance(competence, forms.ChoiceField)
        competence.choices = [("", _("Any skill")), *skills]
        if commune is None:
            del self.fields["lieu"]
        else:
            lieu = self.fields["lieu"]
            assert isinstance(lieu, forms.ChoiceField)
            lieu.choices = [
                (
                    self.WHERE_COMMUNE,
                    _("Only people who can reach %(commune)s") % {"commune": commune.name},
                ),
                (self.WHERE_ANY, _("Everyone, wherever they are")),
            ]

    def skill(self) -> str:
        return self.cleaned_data.get("competence", "") if self.is_valid() else ""

    def near_commune(self) -> bool:
        if "lieu" not in self.fields:
            return False
        if not self.is_valid():
            return True
        return self.cleaned_data.get("lieu") != self.WHERE_ANY


class InviteForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
