"""Each item's history in plain words: as moderators read it (the events with what
changed — the keys of `ContributionEvent.changes` are listed in `services.py` —, who
found the item, its provenance in one line, its answers), and as the public reads it on
the item's page (`public_history`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ..models import Campaign, CampaignField, Contribution, ContributionEvent
from .services import blank_answer, same_answer

Status = Contribution.Status


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str
    after: str
    # For merges: the moderation page of the other item.
    link: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    event: ContributionEvent
    kind: str
    who: str
    # "submitted → validated", or the status it came in with when worth saying.
    status_change: str
    lines: list[ChangeLine]


def shown_value(value: Any) -> str:
    if blank_answer(value):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict) and "pk" in value:
        return _("no. %(pk)s “%(title)s”") % {"pk": value["pk"], "title": value.get("title", "")}
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def change_label(key: str, questions: Mapping[str, CampaignField]) -> str:
    if key.startswith("values."):
        question = questions.get(key.removeprefix("values."))
        return question.label if question else key.removeprefix("values.")
    if key.startswith("photo."):
        return _("Photo removed") if key.endswith(".removed") else _("Photo credit")
    labels = {
        "photos": _("Number of photos"),
        "merged_from": _("Merged with"),
        "merged_into": _("Merged into"),
        "commune": _("Commune"),
        "category": _("Category"),
    }
    if key in labels:
        return labels[key]
    try:
        model_field = Contribution._meta.get_field(key)
    except FieldDoesNotExist:  # a key written by an older version
        return key
    return capfirst(str(getattr(model_field, "verbose_name", key)))


def describe_changes(
    changes: Mapping[str, Any], *, campaign: Campaign, questions: Mapping[str, CampaignField]
) -> list[ChangeLine]:
    lines = []
    for key, pair in changes.items():
        before, after = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        if key == "values" and isinstance(before, dict) and isinstance(after, dict):
            # All the answers at once (a contributor's answer): one line per answer changed.
            lines += describe_changes(
                {
                    f"values.{k}": [before.get(k), after.get(k)]
                    for k in {**before, **after}
                    if not same_answer(before.get(k), after.get(k))
                },
                campaign=campaign,
                questions=questions,
            )
            continue
        link = ""
        if key in {"merged_from", "merged_into"} and isinstance(after, dict) and "pk" in after:
            link = reverse("inventories:moderate", args=[campaign.slug, after["pk"]])
        lines.append(
            ChangeLine(change_label(key, questions), shown_value(before), shown_value(after), link)
        )
    return lines


def _status_change(event: ContributionEvent) -> str:
    if event.from_status and event.to_status:
        return f"{capfirst(_status_label(event.from_status))} → {_status_label(event.to_status)}"
    if event.to_status and event.to_status != event.kind:
        return capfirst(_status_label(event.to_status))
    return ""


def history_entries(
    item: Contribution,
    events: Iterable[ContributionEvent],
    questions: Mapping[str, CampaignField],
) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            event=event,
            kind=event.get_kind_display(),
            who=event.actor_name or _("someone not named"),
            status_change=_status_change(event),
            lines=describe_changes(
                event.changes or {}, campaign=item.campaign, questions=questions
            ),
        )
        for event in events
    ]


def contributor_label(item: Contribution) -> str:
    """Who found the item, for staff (their display name, whatever the public sees)."""
    if item.contributor_id and item.contributor is not None:
        return item.contributor.public_name
    if item.contributor_name:
        return item.contributor_name
    return _("someone not named")


def contributor_email(item: Contribution) -> str:
    if item.contributor_id and item.contributor is not None:
        return item.contributor.email
    return item.contributor_email


def provenance(item: Contribution, events: Iterable[ContributionEvent]) -> str:
    """The item's story in one line, e.g. “Spotted by Jeanne (inhabitant) → completed
    by Paul (team)”: from *repéré* by an inhabitant to completed by staff."""
    steps: list[str] = []
    for event in events:
        name = event.actor_name or _("someone not named")
        match event.kind:
            case ContributionEvent.Kind.SUBMITTED:
                steps.append(
                    _("spotted by %(name)s (inhabitant)") % {"name": contributor_label(item)}
                )
                if item.entered_by_id:
                    steps.append(_("entered by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.IMPORTED:
                steps.append(_("imported by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.ANSWERED:
                steps.append(_("completed by %(name)s (contributor)") % {"name": name})
            case ContributionEvent.Kind.EDITED | ContributionEvent.Kind.MERGED:
                steps.append(_("completed by %(name)s (team)") % {"name": name})
            case ContributionEvent.Kind.DECIDED if event.to_status == Status.VALIDATED:
                steps.append(_("validated by %(name)s (team)") % {"name": name})
        if len(steps) >= 2 and steps[-1] == steps[-2]:
            steps.pop()
    return capfirst(" → ".join(steps))


def answers_shown(item: Contribution, questions: Iterable[CampaignField]) -> list[tuple[str, str]]:
    """(question, answer) for moderators: the campaign's questions answered, then the
    answers kept from an import or from questions removed since (shown, not lost)."""
    asked = {question.key: question for question in questions}
    answers = [
        (question.label, shown_value(item.values.get(key)))
        for key, question in asked.items()
        if key in item.values
    ]
    answers += [(key, shown_value(value)) for key, value in item.values.items() if key not in asked]
    return answers


@dataclass(frozen=True)
class PublicHistoryEntry:
    created_at: datetime.datetime
    label: str


# The steps the public sees: no messages, no refusals, no email confirmations.
_PUBLIC_KINDS = {
    ContributionEvent.Kind.SUBMITTED,
    ContributionEvent.Kind.IMPORTED,
    ContributionEvent.Kind.EDITED,
    ContributionEvent.Kind.ANSWERED,
    ContributionEvent.Kind.MERGED,
}


def _public_label(item: Contribution, event: ContributionEvent) -> str:
    match event.kind:
        case ContributionEvent.Kind.SUBMITTED if item.show_contributor:
            return _("spotted by %(name)s") % {"name": item.public_contributor}
        case ContributionEvent.Kind.SUBMITTED:
            return _("spotted by an inhabitant")
        case ContributionEvent.Kind.IMPORTED:
            return _("imported from an existing inventory")
        case ContributionEvent.Kind.EDITED:
            return _("completed by %(name)s (team)") % {"name": event.actor_name}
        case ContributionEvent.Kind.ANSWERED:
            return _("completed by the contributor")
        case ContributionEvent.Kind.MERGED:
            return _("merged with a duplicate")
    return _("checked and published")


def public_history(item: Contribution) -> list[PublicHistoryEntry]:
    """The item's provenance as the public reads it, each step in words."""
    return [
        PublicHistoryEntry(event.created_at, _public_label(item, event))
        for event in item.events.all()
        if event.kind in _PUBLIC_KINDS
        or (event.kind == ContributionEvent.Kind.DECIDED and event.to_status == Status.VALIDATED)
    ]
