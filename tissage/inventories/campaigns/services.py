"""Setting a campaign up without code: its settings, categories and questions.

Every write is checked as a whole and done in one transaction; a refusal lists every
problem found, each tied to the form field it concerns, in words for the facilitator.

What stays stable once items exist, because items depend on it:
- a question's key: the answers are stored under it in `Contribution.values`;
- a question's kind, except between kinds whose answers read the same (texts);
- the choices that answers use;
- a category's short name (slug), used in the addresses of filtered lists.
Deleting a category or a question that items use is refused (with the count) rather
than losing answers or orphaning items; the facilitator can rename it instead.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import JSONNull
from django.db.models.fields.json import KeyTransform, KeyTransformExact, KeyTransformIn
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tissage.territories.models import Commune

from ..models import Campaign, CampaignField, Category, Contribution
from ..models.campaigns import Licence
from . import heritage

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


class SetupRefused(Exception):
    """The change cannot be made. `errors` maps a form field name (None: the whole form)
    to the messages for the person, so that a view can show each next to its field."""

    def __init__(self, errors: dict[str | None, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(message for messages in errors.values() for message in messages))

    @property
    def messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]


class _Problems:
    """Collects every problem of a change before refusing it, so that all are shown."""

    def __init__(self) -> None:
        self.errors: dict[str | None, list[str]] = defaultdict(list)

    def add(self, field: str | None, message: str) -> None:
        self.errors[field].append(message)

    def raise_any(self) -> None:
        if self.errors:
            raise SetupRefused(dict(self.errors))


def _locked(campaign: Campaign) -> Campaign:
    """Serialise changes to one campaign's categories and questions (positions, slugs,
    keys) on PostgreSQL; SQLite locks the whole database for the write anyway."""
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _besides[M: (Category, CampaignField)](rows: QuerySet[M], row: M | None) -> QuerySet[M]:
    """The other rows, when `row` is being changed (it must not clash with itself)."""
    return rows if row is None else rows.exclude(pk=row.pk)


# Campaign settings ---------------------------------------------------------------------


def check_dates(starts_on: datetime.date | None, ends_on: datetime.date | None) -> str | None:
    if starts_on and ends_on and ends_on < starts_on:
        return _("The end comes before the start: check the dates.")
    return None


@transaction.atomic
def campaign_settings_update(
    *,
    campaign: Campaign,
    title: str,
    presentation: str,
    method: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None,
    licence: str,
    requires_account: bool,
    communes: Iterable[Commune],
) -> Campaign:
    """Change what a campaign asks and where. Items already sent keep the licence they
    were given under (each item records its own)."""
    problems = _Problems()
    title = title.strip()
    if not title:
        problems.add("title", _("Give the campaign a title."))
    if licence not in Licence.values:
        problems.add("licence", _("Choose one of the licences offered."))
    if message := check_dates(starts_on, ends_on):
        problems.add("ends_on", message)
    problems.raise_any()
    campaign.title = title
    campaign.presentation = presentation.strip()
    campaign.method = method.strip()
    campaign.starts_on = starts_on
    campaign.ends_on = ends_on
    campaign.licence = licence
    campaign.requires_account = requires_account
    try:
        campaign.full_clean()
    except ValidationError as error:
        raise SetupRefused({None: error.messages}) from error
    campaign.save(
        update_fields=[
            "title",
            "presentation",
            "method",
            "starts_on",
            "ends_on",
            "licence",
            "requires_account",
        ]
    )
    campaign.communes.set(list(communes))
    return campaign


# Communes, given as names or INSEE codes ---------------------------------------------------

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


# Categories ------------------------------------------------------------------------------


def _category_slug(campaign: Campaign, name: str, *, instead_of: Category | None = None) -> str:
    base = slugify(name)[:70] or "categorie"
    taken = set(
        _besides(Category.objects.filter(campaign=campaign), instead_of).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_category(
    campaign: Campaign,
    *,
    name: str,
    description: str,
    merimee_denomination: str,
    instead_of: Category | None = None,
) -> None:
    problems = _Problems()
    if not name:
        problems.add("name", _("Give the category a name."))
    elif len(name) > 120:
        problems.add("name", _("Keep the name under 120 characters."))
    elif _besides(
        Category.objects.filter(campaign=campaign, name__iexact=name), instead_of
    ).exists():
        problems.add(
            "name", _("There is already a category “%(name)s” in this campaign.") % {"name": name}
        )
    if len(description) > 300:
        problems.add("description", _("Keep the description under 300 characters."))
    if len(merimee_denomination) > 120:
        problems.add(
            "merimee_denomination", _("Keep the Mérimée denomination under 120 characters.")
        )
    problems.raise_any()


@transaction.atomic
def category_add(
    *, campaign: Campaign, name: str, description: str = "", merimee_denomination: str = ""
) -> Category:
    campaign = _locked(campaign)
    name, description = name.strip(), description.strip()
    merimee_denomination = merimee_denomination.strip()
    _check_category(
        campaign, name=name, description=description, merimee_denomination=merimee_denomination
    )
    last = max(campaign.categories.values_list("position", flat=True), default=-1)
    return Category.objects.create(
        campaign=campaign,
        name=name,
        slug=_category_slug(campaign, name),
        description=description,
        merimee_denomination=merimee_denomination,
        position=last + 1,
    )


@transaction.atomic
def category_update(
    *, category: Category, name: str, description: str, merimee_denomination: str
) -> Category:
    """Rename or describe a category. Its slug follows the name until items use it; then
    it stays, so that links to the filtered list keep working."""
    campaign = _locked(category.campaign)
    name, description = name.strip(), description.strip()
    merimee_denomination = merimee_denomination.strip()
    _check_category(
        campaign,
        name=name,
        description=description,
        merimee_denomination=merimee_denomination,
        instead_of=category,
    )
    category.name = name
    category.description = description
    category.merimee_denomination = merimee_denomination
    if not category.items.exists():
        category.slug = _category_slug(campaign, name, instead_of=category)
    category.save(update_fields=["name", "slug", "description", "merimee_denomination"])
    return category


@transaction.atomic
def category_delete(*, category: Category) -> None:
    _locked(category.campaign)
    used = category.items.count()
    if used:
        raise SetupRefused(
            {
                None: [
                    ngettext(
                        "“%(name)s” cannot be deleted: %(count)d item belongs to it. "
                        "Rename the category instead, or move the item to another one first.",
                        "“%(name)s” cannot be deleted: %(count)d items belong to it. "
                        "Rename the category instead, or move the items to another one first.",
                        used,
                    )
                    % {"name": category.name, "count": used}
                ]
            }
        )
    category.delete()


def _move(rows: Sequence[Any], row: Any, offset: int) -> list[Any]:
    """Rows renumbered 0, 1, 2… with `row` moved up (-1) or down (+1); the positions
    stored may have gaps or ties (the heritage template, deletions): they are mended."""
    order = list(rows)
    index = next(i for i, candidate in enumerate(order) if candidate.pk == row.pk)
    target = index + offset
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    changed = []
    for position, candidate in enumerate(order):
        if candidate.position != position:
            candidate.position = position
            changed.append(candidate)
    return changed


@transaction.atomic
def category_move(*, category: Category, offset: int) -> None:
    """Move a category one place up (-1) or down (+1) in the list contributors see."""
    campaign = _locked(category.campaign)
    changed = _move(list(campaign.categories.all()), category, offset)
    Category.objects.bulk_update(changed, ["position"])


# Questions -------------------------------------------------------------------------------


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
    problems = _Problems()
    others = list(_besides(campaign.fields.all(), instead_of))
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
    problems: _Problems,
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
    campaign = _locked(campaign)
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
    campaign = _locked(field.campaign)
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
    campaign = _locked(field.campaign)
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
    campaign = _locked(field.campaign)
    changed = _move(list(campaign.fields.all()), field, offset)
    CampaignField.objects.bulk_update(changed, ["position"])
