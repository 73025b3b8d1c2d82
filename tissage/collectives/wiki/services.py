"""Wiki pages and their revisions.

Every save makes a new numbered revision; a save based on an older revision than the
current one raises EditConflict instead of overwriting someone's work. Revisions are
never edited nor deleted: restoring an old one makes a new revision copying it.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from tissage.accounts.models import User

from ..models import Collective, WikiPage, WikiRevision

HUB_TITLE = "Gare centrale"

# The word of the wiki's URL map that stands where a page's slug does (`wiki/nouvelle/`);
# the others come after a page's slug and cannot clash.
RESERVED_SLUGS = frozenset({"nouvelle"})
SLUG_MAX = 160


class EditConflict(Exception):
    """Someone saved another revision since the one the edit started from."""

    def __init__(self, current: WikiRevision) -> None:
        super().__init__("edit conflict")
        self.current = current


def title_slug(title: str) -> str:
    """The slug a page title (or a [[link]] name) matches: case and accents ignored.

    The same title always gives the same slug, so a [[link]] finds its page: a reserved
    word gets a suffix, and a title with no Latin letter or digit ("日本語") a short hash.
    """
    slug = slugify(title)[: SLUG_MAX - 10].strip("-")
    if not slug:
        digest = hashlib.sha256(" ".join(title.casefold().split()).encode()).hexdigest()
        slug = f"page-{digest[:10]}"
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-page"
    return slug


def _author_name(author: User | None) -> str:
    if author is None:
        return "—"
    return author.public_name or "—"


def _free_slug(collective: Collective, title: str) -> str:
    base = title_slug(title)
    taken = set(
        WikiPage.objects.filter(collective=collective, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def page_create(
    collective: Collective,
    title: str,
    body: str,
    author: User | None,
    is_hub: bool = False,
    *,
    comment: str = "",
) -> WikiPage:
    """A new page with its first revision; its slug comes from the title, unique here."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                page = WikiPage.objects.create(
                    collective=collective,
                    title=title,
                    slug=_free_slug(collective, title),
                    is_hub=is_hub,
                )
                revision = WikiRevision.objects.create(
                    page=page,
                    number=1,
                    title=title,
                    body=body,
                    comment=comment,
                    author=author,
                    author_name=_author_name(author),
                )
                page.current = revision
                page.save(update_fields=["current", "updated_at"])
                return page
        except IntegrityError:
            # Someone took the same slug at the same moment (or the hub exists): retry
            # with a fresh slug; a second hub is refused by the constraint.
            if is_hub and WikiPage.objects.filter(collective=collective, is_hub=True).exists():
                raise
            continue
    raise IntegrityError("could not find a free slug for this wiki page")


def _new_revision(
    page: WikiPage,
    *,
    title: str,
    body: str,
    comment: str,
    author: User | None,
    restores: int | None,
) -> WikiRevision:
    assert page.current is not None
    revision = WikiRevision.objects.create(
        page=page,
        number=page.current.number + 1,
        title=title,
        body=body,
        comment=comment,
        author=author,
        author_name=_author_name(author),
        restores=restores,
    )
    page.current = revision
    page.title = title  # the slug stays: permalinks keep working
    page.save(update_fields=["current", "title", "updated_at"])
    return revision


def _locked(page: WikiPage) -> WikiPage:
    locked = WikiPage.objects.select_for_update().get(pk=page.pk)
    current_id = locked.current_id
    assert current_id is not None, "a wiki page always has a current revision"
    locked.current = WikiRevision.objects.get(pk=current_id)
    return locked


def page_save(
    page: WikiPage, base_number: int, title: str, body: str, comment: str, author: User | None
) -> WikiRevision:
    """Save an edit started from revision `base_number`.

    Raises EditConflict (saving nothing) when another revision was saved meanwhile.
    Returns the current revision unchanged when neither title nor text changed."""
    with transaction.atomic():
        locked = _locked(page)
        current = locked.current
        assert current is not None
        if current.number != base_number:
            raise EditConflict(current)
        if current.title == title and current.body == body:
            revision = current
        else:
            revision = _new_revision(
                locked, title=title, body=body, comment=comment, author=author, restores=None
            )
    page.current = locked.current
    page.title = locked.title
    return revision


def page_restore(page: WikiPage, number: int, author: User | None) -> WikiRevision:
    """A new revision copying revision `number` (WikiRevision.DoesNotExist if none)."""
    with transaction.atomic():
        locked = _locked(page)
        old = WikiRevision.objects.get(page=locked, number=number)
        revision = _new_revision(
            locked, title=old.title, body=old.body, comment="", author=author, restores=number
        )
    page.current = locked.current
    page.title = locked.title
    return revision


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: kind is "same", "added", "removed" or "gap" (lines skipped)."""

    kind: str
    old_number: int | None
    new_number: int | None
    text: str


DIFF_CONTEXT = 3


def line_diff(old: str, new: str, context: int = DIFF_CONTEXT) -> list[DiffLine]:
    """The lines that changed from `old` to `new`, with a few unchanged lines around."""
    a = (old or "").splitlines()
    b = (new or "").splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group_index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if group_index or (group and (group[0][1] > 0 or group[0][3] > 0)):
            lines.append(DiffLine("gap", None, None, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for k in range(i2 - i1):
                    lines.append(DiffLine("same", i1 + k + 1, j1 + k + 1, a[i1 + k]))
                continue
            if tag in ("replace", "delete"):
                for k in range(i1, i2):
                    lines.append(DiffLine("removed", k + 1, None, a[k]))
            if tag in ("replace", "insert"):
                for k in range(j1, j2):
                    lines.append(DiffLine("added", None, k + 1, b[k]))
    return lines
