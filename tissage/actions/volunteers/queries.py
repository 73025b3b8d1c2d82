"""Reads of the forces vives: the skills offered, the volunteers who match a
facilitator's filters, who was invited already."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.conf import settings
from django.utils import translation

from tissage.actions.models import Action, VolunteerInvitation, VolunteerProfile
from tissage.territories.models import Commune


def skill_choices(profiles: Sequence[VolunteerProfile]) -> list[tuple[str, str]]:
    """The common skills, then the others people wrote, once each."""
    choices = [(str(value), str(label)) for value, label in VolunteerProfile.Skill.choices]
    known = {value.casefold() for value, _label in choices}
    for profile in profiles:
        for skill in profile.skills:
            if skill.casefold() not in known:
                known.add(skill.casefold())
                choices.append((skill, skill))
    return choices


def matching(
    profiles: Sequence[VolunteerProfile], *, skill: str, commune: Commune | None
) -> list[VolunteerProfile]:
    """Those who offer the skill (whatever its case; any skill when empty) and, when a
    commune is given, can reach it. Their communes are prefetched (`available()`).

    Skills are a JSON list: filtered here rather than in SQL, which SQLite cannot do."""
    wanted = skill.casefold()
    return [
        profile
        for profile in profiles
        if (not wanted or wanted in {s.casefold() for s in profile.skills})
        and (commune is None or any(c.pk == commune.pk for c in profile.communes.all()))
    ]


def skill_names(skill: str) -> set[str]:
    """The ways a skill may be written, lower-cased: its key and, for the common ones,
    its label in every language of the site ("trailer", "remorque")."""
    names = {skill.casefold()}
    if skill in VolunteerProfile.Skill.values:
        label = VolunteerProfile.Skill(skill).label
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(label).casefold())
    return names


def matching_roles(
    profiles: Sequence[VolunteerProfile], *, roles: Sequence[str], commune: Commune | None
) -> list[VolunteerProfile]:
    """Those who can reach the commune (as `matching`, the list's default) and offer a
    skill that a role names, as a whole word ("remorque" in "Conducteur avec remorque")."""
    wanted = " | ".join(role.casefold() for role in roles)
    return [
        profile
        for profile in matching(profiles, skill="", commune=commune)
        if any(
            re.search(rf"\b{re.escape(name)}\b", wanted)
            for skill in profile.skills
            for name in skill_names(skill)
        )
    ]


def invited_user_ids(action: Action) -> set[int]:
    """The people invited to the action already."""
    return set(VolunteerInvitation.objects.filter(action=action).values_list("user_id", flat=True))
