"""A campaign's questions (fields), defined without code.

What stays stable once items answered, because the answers depend on it:
- a question's key: the answers are stored under it in `Contribution.values`;
- a question's kind, except between kinds whose answers read the same (texts);
- the choices that answers use.
Deleting a question that items answered is refused (with the count) rather than losing
answers; the facilitator can reword it or make it optional instead.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.expressions import JSONNull
from django.db.models.fields.json import KeyTransform, KeyTransformExact, KeyTransformIn
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Campaign, CampaignField, Contribution
from . import heritage
from .services import Problems, SetupRefused, campaign_locked, others_than, renumbered

# A key is a column name in exports and a key of `Contribution.values`: lowercase
# letters, digits and single underscores, starting with a letter (a leading digit would
# read as an array index in JSON lookups).
KEY_RE = re.compile(r"^[a-z](?:_?[a-z0-9])*$")
KEY_MAX_LENGTH = 60
# Columns that exports give to every item: a question may not shadow them.
RESERVED_KEYS = frozenset(
    {
        "id",
        "url",
        "title",
        "description",
        "category",
        "commune",
        "insee",
        "address",
        "longitude",
        "latitude",
        "status",
        "licence",
        "contributor",
        "credits",
        "photos",
        "created_at",
        "validated_at",
        "external_ref",
        "values",
    }
)
CHOICE_KINDS = frozenset({CampaignField.Kind.CHOICE, CampaignField.Kind.MULTIPLE_CHOICE})
CHOICE_MAX_LENGTH = 120
MAX_CHOICES = 60
# Kind changes that leave the stored answers valid (all plain strings of ≤ 300 chars).
KIND_CHANGES_KEEPING_ANSWERS = {
    CampaignField.Kind.TEXT: {CampaignField.Kind.LONG_TEXT, CampaignField.Kind.PERIOD},
    CampaignField.Kind.PERIOD: {CampaignField.Kind.TEXT, CampaignField.Kind.LONG_TEXT},
    CampaignField.Kind.CHOICE: {
        CampaignField.Kind.TEXT,
        CampaignField.Kind.LONG_TEXT,
        CampaignField.Kind.PERIOD,
    },
}


def merimee_field_choices() -> list[tuple[str, str]]:
    """The Mérimée codes a question may be mapped to: those of the heritage template."""
    return [
        (spec.merimee_field, f"{spec.merimee_field} — {spec.label}") for spec in heritage.FIELDS
    ]


def _answered(key: str) -> Q:
    """Items that answered the question `key`: the key is there, and holds neither null
    nor an empty text or list (false and 0 are answers).

    Built from lookup objects rather than `values__<key>=…` keywords, which a key named
    like a lookup (“contains”) would derail."""
    answer = KeyTransform(key, "values")
    return (
        Q(values__has_key=key)
        & ~Q(KeyTransformExact(answer, JSONNull()))
        & ~Q(KeyTransformIn(answer, ["", []]))
    )


def field_usage(campaign: Campaign, keys: Iterable[str]) -> dict[str, int]:
    """How many items answered each question, in one query whatever their number."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    counts = Contribution.objects.filter(campaign=campaign).aggregate(
        **{f"n{index}": Count("pk", filter=_answered(key)) for index, key in enumerate(keys)}
    )
    return {key: counts[f"n{index}"] for index, key in enumerate(keys)}


def field_key_from(label: str, taken: Iterable[str]) -> str:
    """A key made from the question: “Matériaux du gros œuvre” → materiaux_du_gros_oeuvre."""
    text = label.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    base = re.sub(r"_+", "_", slugify(text).replace("-", "_")).strip("_")
    base = re.sub(r"^[0-9_]+", "", base)[: KEY_MAX_LENGTH - 4].strip("_") or "question"
    if base in RESERVED_KEYS:
        base = f"{base}_2"
    taken = set(taken)
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def clean_choices(lines: Sequence[str] | str) -> list[str]:
    """Choices as given, one per line: trimmed, blank lines dropped."""
    if isinstance(lines, str):
        lines = lines.splitlines()
    return [line.strip() for line in lines if line.strip()]


def _choice_answers(campaign: Campaign, key: str) -> dict[str, int]:
    """How many items chose each value of a choice question."""
    used: dict[str, int] = defaultdict(int)
    answers = (
        Contribution.objects.filter(campaign=campaign)
        .filter(_answered(key))
        .annotate(answer=KeyTransform(key, "values"))
        .values_list("answer", flat=True)
    )
    for answer in answers:
        for value in answer if isinstance(answer, list) else [answer]:
            used[str(value)] += 1
    return used


def _check_field(
    campaign: Campaign,
    *,
    label: str,
    kind: str,
    help_text: str,
    choices: list[str],
    key: str,
    merimee_field: str,
    instead_of: CampaignField | None = None,
) -> None:
    problems = Problems()
    others = list(others_than(campaign.fields.all(), instead_of))
    if not label:
        problems.add("label", _("Write the question."))
    elif len(label) > 200:
        problems.add("label", _("Keep the question under 200 characters."))
    if len(help_text) > 300:
        problems.add("help_text", _("Keep the help under 300 characters."))
    if kind not in CampaignField.Kind.values:
        problems.add("kind", _("Choose a kind of answer among those offered."))
    if kind in CHOICE_KINDS:
        if len(choices) < 2:
            problems.add("choices", _("Give at least two choices, one per line."))
        elif len(choices) > MAX_CHOICES:
            problems.add("choices", _("Give at most %(max)d choices.") % {"max": MAX_CHOICES})
        seen: set[str] = set()
        for choice in choices:
            if len(choice) > CHOICE_MAX_LENGTH:
                problems.add(
                    "choices",
                    _("Keep each choice under %(max)d characters: “%(choice)s…”.")
                    % {"max": CHOICE_MAX_LENGTH, "choice": choice[:40]},
                )
            if choice.casefold() in seen:
                problems.add("choices", _("“%(choice)s” is given twice.") % {"choice": choice})
            seen.add(choice.casefold())
    elif choices and kind in CampaignField.Kind.values:
        problems.add(
            "choices",
            _(
                "Choices are only for single or multiple choice questions: empty the list, "
                "or change the kind of answer."
            ),
        )
    if len(key) > KEY_MAX_LENGTH:
        problems.add("key", _("Keep the key under %(max)d characters.") % {"max": KEY_MAX_LENGTH})
    elif not KEY_RE.match(key):
        problems.add(
            "key",
            _(
                "Write the key in lowercase letters without accents, digits and single "
                "underscores, starting with a letter (e.g. “etat_general”)."
            ),
        )
    elif key in RESERVED_KEYS:
        problems.add(
            "key",
            _("“%(key)s” is the name of a column every item has: choose another key.")
            % {"key": key},
        )
    elif any(other.key == key for other in others):
        problems.add(
            "key",
            _("Another question of this campaign already uses the key “%(key)s”.") % {"key": key},
        )
    codes = {code for code, _label in merimee_field_choices()}
    if merimee_field and merimee_field not in codes:
        problems.add("merimee_field", _("Choose a Mérimée field among those offered."))
    elif merimee_field and (
        twin := next((other for other in others if other.merimee_field == merimee_field), None)
    ):
        problems.add(
            "merimee_field",
            _("The question “%(label)s” is already mapped to the Mérimée field %(code)s.")
            % {"label": twin.label, "code": merimee_field},
        )
    if instead_of is not None:
        _check_answers_kept(
            campaign, instead_of, kind=kind, key=key, choices=choices, problems=problems
        )
    problems.raise_any()


def _check_answers_kept(
    campaign: Campaign,
    field: CampaignField,
    *,
    kind: str,
    key: str,
    choices: list[str],
    problems: Problems,
) -> None:
    """Refuse the changes that would make the answers already given unreadable."""
    changes_key = key != field.key
    changes_kind = kind != field.kind and kind not in KIND_CHANGES_KEEPING_ANSWERS.get(
        CampaignField.Kind(field.kind), set()
    )
    drops_choices = (
        field.kind in CHOICE_KINDS
        and kind in CHOICE_KINDS
        and bool(set(field.choices) - set(choices))
    )
    if not (changes_key or changes_kind or drops_choices):
        return
    used = field_usage(campaign, [field.key])[field.key]
    if not used:
        return
    if changes_key:
        problems.add(
            "key",
            ngettext(
                "%(count)d item already answered this question: its key stays “%(key)s”, "
                "since the answer is stored under it.",
                "%(count)d items already answered this question: its key stays “%(key)s”, "
                "since their answers are stored under it.",
                used,
            )
            % {"count": used, "key": field.key},
        )
    if changes_kind:
        problems.add(
            "kind",
            ngettext(
                "%(count)d item already answered this question as “%(kind)s”: keep this kind "
                "of answer, or add a new question.",
                "%(count)d items already answered this question as “%(kind)s”: keep this kind "
                "of answer, or add a new question.",
                used,
            )
            % {"count": used, "kind": field.get_kind_display()},
        )
    if drops_choices:
        answers = _choice_answers(campaign, field.key)
        for choice in field.choices:
            if choice not in choices and answers.get(choice):
                count = answers[choice]
                problems.add(
                    "choices",
                    ngettext(
                        "“%(choice)s” is the answer of %(count)d item: keep it in the list, "
                        "or change that item first.",
                        "“%(choice)s” is the answer of %(count)d items: keep it in the list, "
                        "or change those items first.",
                        count,
                    )
                    % {"choice": choice, "count": count},
                )


@transaction.atomic
def field_add(
    *,
    campaign: Campaign,
    label: str,
    kind: str,
    help_text: str = "",
    required: bool = False,
    choices: Sequence[str] | str = (),
    key: str = "",
    merimee_field: str = "",
) -> CampaignField:
    """Add a question at the end of the form. Without a key, one is made from the label."""
    campaign = campaign_locked(campaign)
    label, help_text, key = label.strip(), help_text.strip(), key.strip()
    choices = clean_choices(choices)
    if not key:
        key = field_key_from(label, campaign.fields.values_list("key", flat=True))
    _check_field(
        campaign,
        label=label,
        kind=kind,
        help_text=help_text,
        choices=choices,
        key=key,
        merimee_field=merimee_field.strip(),
    )
    last = max(campaign.fields.values_list("position", flat=True), default=-1)
    return CampaignField.objects.create(
        campaign=campaign,
        key=key,
        label=label,
        help_text=help_text,
        kind=kind,
        choices=choices,
        required=required,
        merimee_field=merimee_field.strip(),
        position=last + 1,
    )


@transaction.atomic
def field_update(
    *,
    field: CampaignField,
    label: str,
    kind: str,
    help_text: str,
    required: bool,
    choices: Sequence[str] | str,
    key: str,
    merimee_field: str,
) -> CampaignField:
    """Change a question. Its key, its kind and the choices already chosen stay as they
    are once items answered it (see the module's docstring)."""
    campaign = campaign_locked(field.campaign)
    label, help_text, key = label.strip(), help_text.strip(), key.strip() or field.key
    choices = clean_choices(choices)
    _check_field(
        campaign,
        label=label,
        kind=kind,
        help_text=help_text,
        choices=choices,
        key=key,
        merimee_field=merimee_field.strip(),
        instead_of=field,
    )
    field.label = label
    field.kind = kind
    field.help_text = help_text
    field.required = required
    field.choices = choices
    field.key = key
    field.merimee_field = merimee_field.strip()
    field.save(
        update_fields=["label", "kind", "help_text", "required", "choices", "key", "merimee_field"]
    )
    return field


@transaction.atomic
def field_delete(*, field: CampaignField) -> None:
    """Delete a question nobody answered. Answered ones are kept: deleting would hide
    answers that belong to the items' provenance."""
    campaign = campaign_locked(field.campaign)
    used = field_usage(campaign, [field.key])[field.key]
    if used:
        raise SetupRefused(
            {
                None: [
                    ngettext(
                        "“%(label)s” cannot be deleted: %(count)d item answered it. You can "
                        "reword it or make it optional instead.",
                        "“%(label)s” cannot be deleted: %(count)d items answered it. You can "
                        "reword it or make it optional instead.",
                        used,
                    )
                    % {"label": field.label, "count": used}
                ]
            }
        )
    field.delete()


@transaction.atomic
def field_move(*, field: CampaignField, offset: int) -> None:
    """Move a question one place up (-1) or down (+1) in the contribution form."""
    campaign = campaign_locked(field.campaign)
    changed = renumbered(list(campaign.fields.all()), field, offset)
    CampaignField.objects.bulk_update(changed, ["position"])
