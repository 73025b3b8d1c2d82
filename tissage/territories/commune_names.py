"""Communes as people type them: "Nîmes", "nimes", "30189", "Nîmes (30189)", "St Jean du
Gard"; and written back in the form that reads again without doubt ("Nîmes (30189)").

One rule for every form that takes communes as text (a campaign's communes, the
communes a volunteer can reach, an initiative's commune):

- a piece that gives an INSEE code (alone, or in parentheses after the name) is that
  code; the name before it is not checked, so that a renamed commune still reads;
- otherwise it is a name, compared without case, accents, hyphens, apostrophes and
  full stops, with St/Ste read as Saint/Sainte;
- a name two communes share asks for the code; anything unknown says what to check.

Communes are searched `among` a queryset and the messages name that set (`among_name`),
so that "not among the communes of the organisation" says why a real commune is refused.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .geography import insee_code_from_text, name_key
from .models import Commune

EVERY_COMMUNE_NAME = _("the communes known to the platform")
# Several communes in one text: separated by commas, semicolons or new lines (a commune's
# name never holds any of them).
_SEPARATORS = re.compile(r"[,;\n]+")


def commune_text(commune: Commune) -> str:
    """A commune written the way `commune_from_text` reads it back without doubt."""
    return f"{commune.name} ({commune.insee_code})"


def communes_text(communes: Iterable[Commune]) -> str:
    """Communes written the way `communes_from_text` reads them back without doubt."""
    return ", ".join(commune_text(commune) for commune in communes)


def communes_from_text(
    text: str,
    *,
    among: QuerySet[Commune] | None = None,
    among_name: str | Promise = EVERY_COMMUNE_NAME,
) -> list[Commune]:
    """The communes named in `text` (separated by commas, semicolons or new lines), each
    once, sorted by name. Raises one ValidationError listing every piece not understood,
    so that a person corrects them all at once."""
    pieces = [" ".join(piece.split()) for piece in _SEPARATORS.split(text)]
    pks = _read([piece for piece in pieces if piece], among, among_name)
    if not pks:
        return []
    return list(Commune.objects.filter(pk__in=pks).order_by("name", "insee_code"))


def commune_from_text(
    text: str,
    *,
    among: QuerySet[Commune] | None = None,
    among_name: str | Promise = EVERY_COMMUNE_NAME,
) -> Commune | None:
    """The one commune `text` names (the whole text, commas included, is one piece), or
    None for an empty text; a ValidationError says what to type instead."""
    piece = " ".join(text.split())
    if not piece:
        return None
    [pk] = _read([piece], among, among_name)
    return Commune.objects.get(pk=pk)


def _read(
    pieces: list[str], among: QuerySet[Commune] | None, among_name: str | Promise
) -> list[int]:
    """The pks of the communes the pieces name, in order, without repeats; or a
    ValidationError with one message per piece not understood."""
    pool = Commune.objects.all() if among is None else among
    codes = {piece: insee_code_from_text(piece) for piece in pieces}
    wanted = {code for code in codes.values() if code}
    by_code: dict[str, int] = (
        dict(pool.filter(insee_code__in=wanted).values_list("insee_code", "pk")) if wanted else {}
    )
    # Names are compared on their stored key (accents and abbreviations are beyond a
    # portable SQL comparison): one indexed query, only for the names typed.
    keys = {piece: name_key(piece) for piece, code in codes.items() if code is None}
    by_name: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    if keys:
        rows = pool.filter(search_name__in=set(keys.values())).values_list(
            "pk", "insee_code", "name", "search_name"
        )
        for pk, insee_code, name, key in rows:
            by_name[key].append((pk, insee_code, name))
    found: list[int] = []
    errors: list[str] = []
    for piece in pieces:
        code = codes[piece]
        if code is not None:
            if code in by_code:
                found.append(by_code[code])
            else:
                errors.append(
                    gettext(
                        "No commune has the INSEE code %(code)s among %(among)s: check it, "
                        "or type the name."
                    )
                    % {"code": code, "among": among_name}
                )
            continue
        candidates = sorted(by_name.get(keys[piece], []), key=lambda row: row[1])
        if len(candidates) == 1:
            found.append(candidates[0][0])
        elif candidates:
            errors.append(
                gettext(
                    "Several communes are called “%(name)s”: type yours with its INSEE code, "
                    "one of: %(choices)s."
                )
                % {
                    "name": piece,
                    "choices": ", ".join(
                        f"{name} ({insee_code})" for _pk, insee_code, name in candidates
                    ),
                }
            )
        else:
            errors.append(_unknown_name(piece, pool, among_name))
    if errors:
        raise ValidationError(errors)
    return list(dict.fromkeys(found))


# How many communes an unknown name offers instead: enough to see one's own, few enough to
# read in a message.
_NEAR_NAMES = 5


def _unknown_name(piece: str, pool: QuerySet[Commune], among_name: str | Promise) -> str:
    """The message for a name no commune has, with the communes whose names begin the same
    way, so that a person without suggestions while typing finds the spelling."""
    message = gettext(
        "“%(name)s” is not among %(among)s: check the spelling, or give its INSEE code."
    ) % {"name": piece, "among": among_name}
    # The communes beginning with its first word, or else its first three letters: "Nime",
    # "Nimmes" and "Nimes-sur-Mer" all lead to Nîmes.
    word = name_key(piece).split(" ")[0]
    near: list[Commune] = []
    for start in dict.fromkeys([word, word[:3]]):
        communes = Commune.objects.beginning_with(start).filter(pk__in=pool.values("pk"))
        if near := list(communes[:_NEAR_NAMES]):
            break
    if not near:
        return message
    return " ".join(
        [
            message,
            gettext("Names that begin the same way: %(choices)s.")
            % {"choices": communes_text(near)},
        ]
    )
