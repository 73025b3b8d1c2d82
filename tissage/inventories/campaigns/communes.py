"""The communes a campaign covers: those it may cover, those suggested, and reading them
as facilitators type them (names or INSEE codes)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tissage.organisations.models import Organisation
from tissage.projects.models import Project
from tissage.territories.models import Commune


@dataclass(frozen=True)
class CommunesOffered:
    """The communes a campaign may cover: the organisation's when it has set them, else
    every commune the platform knows."""

    among: QuerySet[Commune]
    name: str
    of_organisation: bool


def communes_offered(organisation: Organisation) -> CommunesOffered:
    own = Commune.objects.filter(pk__in=organisation.communes.values("pk"))
    if own.exists():
        name = _("the communes of %(organisation)s") % {"organisation": organisation.name}
        return CommunesOffered(own, name, True)
    return CommunesOffered(Commune.objects.all(), _("the communes known to the platform"), False)


def communes_suggested(project: Project, offered: CommunesOffered) -> list[Commune]:
    """What a new campaign of the project starts with: the project's communes, else the
    organisation's."""
    suggested = list(project.communes.order_by("name", "insee_code"))
    if not suggested and offered.of_organisation:
        suggested = list(offered.among.order_by("name", "insee_code"))
    return suggested


INSEE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
CODE_IN_PARENTHESES_RE = re.compile(r"\((\d{5}|2[AB]\d{3})\)\s*$")


def _name_key(name: str) -> str:
    """A commune name as people type it: case, accents, hyphens, apostrophes and the
    abbreviations St/Ste do not matter."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = re.split(r"[\s\-'’.]+", text)
    words = [{"st": "saint", "ste": "sainte"}.get(word, word) for word in words if word]
    return " ".join(words)


def communes_text(communes: Iterable[Commune]) -> str:
    """Communes written the way `communes_from_text` reads them back without doubt."""
    return ", ".join(f"{commune.name} ({commune.insee_code})" for commune in communes)


def communes_from_text(text: str, *, among: QuerySet[Commune], among_name: str) -> list[Commune]:
    """Communes named in `text` (names or INSEE codes separated by commas, semicolons or
    new lines; “Name (code)” works too), among `among`. Raises ValidationError listing
    every name not understood."""
    tokens = [token.strip() for token in re.split(r"[,;\n]+", text) if token.strip()]
    if not tokens:
        return []
    pool = list(among.values_list("pk", "insee_code", "name"))
    by_code = {code: pk for pk, code, _name in pool}
    by_name: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, code, name in pool:
        by_name[_name_key(name)].append((pk, code))
    found: list[int] = []
    errors: list[str] = []
    for token in tokens:
        match = CODE_IN_PARENTHESES_RE.search(token) or INSEE_RE.match(token.upper())
        if match:
            code = match.group(1)
            if code in by_code:
                found.append(by_code[code])
            else:
                errors.append(
                    _("No commune with the INSEE code %(code)s among %(among)s.")
                    % {"code": code, "among": among_name}
                )
            continue
        candidates = by_name.get(_name_key(token), [])
        if len(candidates) == 1:
            found.append(candidates[0][0])
        elif candidates:
            errors.append(
                _(
                    "Several communes are called “%(name)s”: give the INSEE code of the one "
                    "you mean (%(codes)s)."
                )
                % {"name": token, "codes": ", ".join(sorted(code for _pk, code in candidates))}
            )
        else:
            errors.append(
                _("“%(name)s” is not among %(among)s: check the spelling, or give its INSEE code.")
                % {"name": token, "among": among_name}
            )
    if errors:
        raise ValidationError(errors)
    unique = list(dict.fromkeys(found))
    return list(Commune.objects.filter(pk__in=unique).order_by("name", "insee_code"))
