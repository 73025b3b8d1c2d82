"""Cards rendered once per state and kept in Django's cache (issue #20): a list page of
24 cards costs one `get_many` instead of 24 template renderings.

A card's key is a digest of everything the card shows (`shown`, the language with it),
so a kept card is never stale: an edit makes another key, and the old card is forgotten
after `CARD_CACHE_SECONDS` without a display. The card templates render from their own
context alone (no request): what differs between visitors has no place in a card.

The key also holds `release_digest()`, the digest of the release's templates, translation
catalogues, Python code and static files' manifest: with a shared cache (Redis, several
nodes), a deploy that changes how a card or page reads (a template, a template tag, a
constant, a script's hashed name) makes other keys, rather than serving the HTML of the
release before for an hour."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# A card is kept this long after its last rendering (a new state is a new key anyway).
CARD_CACHE_SECONDS = 3600


# The `tissage` package: its apps' templates and its translation catalogues.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def release_digest(root: Path = PACKAGE_ROOT, static_root: Path | None = None) -> str:
    """A digest of what a kept card or page is rendered from, read once per process:
    under `root` (the `tissage` package) its templates, compiled translations and Python
    code (tests and migrations left out: they render nothing), about 750 files and 3 MB,
    some 30 ms; and the static files' manifest under `static_root` (`STATIC_ROOT` by
    default: the hashed names that pages link to), when `collectstatic` has written it."""
    digest = hashlib.blake2b(digest_size=8)
    files = [
        *root.glob("*/templates/**/*.html"),
        *root.glob("locale/*/LC_MESSAGES/*.mo"),
        *(
            path
            for path in root.rglob("*.py")
            if not {"tests", "migrations"} & set(path.relative_to(root).parts)
        ),
    ]
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    manifest = Path(static_root or settings.STATIC_ROOT) / "staticfiles.json"
    if manifest.is_file():
        # Its names sorted: each node's `collectstatic` writes them in the order its file
        # system lists the files, and nodes of one release must share their keys.
        try:
            paths = json.loads(manifest.read_text()).get("paths", {})
        except (ValueError, AttributeError):
            paths = {}
        digest.update(b"staticfiles.json")
        digest.update(repr(sorted(paths.items())).encode())
    return digest.hexdigest()


def card_key(template_name: str, shown: Hashable, prefix: str = "card") -> str:
    state = repr((template_name, shown, get_language(), release_digest()))
    digest = hashlib.blake2b(state.encode(), digest_size=16).hexdigest()
    return f"{prefix}:{digest}"


def rendered_cards[T](
    template_name: str,
    objects: Sequence[T],
    shown: Callable[[T], Hashable],
    context: Callable[[T], Mapping[str, Any]],
) -> list[SafeString]:
    """The HTML of each object's card, in order: kept ones from the cache, the others
    rendered with `context(object)` and kept. `shown(object)` must hold every value the
    card displays."""
    keys = [card_key(template_name, shown(thing)) for thing in objects]
    kept = cache.get_many(keys)
    template = get_template(template_name)
    made: dict[str, str] = {}
    for key, thing in zip(keys, objects, strict=True):
        if key not in kept and key not in made:
            made[key] = template.render(dict(context(thing)))
    if made:
        cache.set_many(made, CARD_CACHE_SECONDS)
    # Rendered by the template engine, which escapes: safe as it was made.
    return [mark_safe(kept[key] if key in kept else made[key]) for key in keys]  # noqa: S308


FIELDS_TEMPLATE = "core/filter_fields.html"
FORM_TEMPLATE = "core/form_fields.html"


def form_state(form: Any) -> Hashable:
    """Everything a form's fields show: for each field its label, help, widget (with its
    attributes and choices), value and errors; the form's own errors, prefix and id
    format."""
    fields = []
    for field in form:
        widget = field.field.widget
        fields.append(
            (
                field.html_name,
                type(field.field).__qualname__,
                type(widget).__qualname__,
                getattr(widget, "template_name", ""),
                repr(sorted(widget.attrs.items())),
                str(field.label),
                str(field.help_text),
                repr([(value, str(label)) for value, label in getattr(field.field, "choices", ())]),
                repr(field.value()),
                field.field.required,
                field.field.disabled,
                tuple(str(error) for error in field.errors),
            )
        )
    errors = tuple(str(error) for error in form.non_field_errors())
    return (type(form).__qualname__, form.prefix, form.auto_id, tuple(fields), errors)


def rendered_fields(form: Any, template_name: str = FIELDS_TEMPLATE) -> SafeString:
    """A form's fields as `template_name` renders them from `form` alone (by default
    each field as `core/form_field.html` does), kept per state like a card: the public
    filter forms (item list, agenda) and a blank registration form are the same for most
    visitors, and their fields cost a quarter of the page to render (issue #20)."""
    key = card_key(template_name, form_state(form))
    html = cache.get(key)
    if html is None:
        html = get_template(template_name).render({"form": form})
        cache.set(key, html, CARD_CACHE_SECONDS)
    # Rendered by the template engine, which escapes: safe as it was made.
    return mark_safe(html)  # noqa: S308


def rendered_form(form: Any) -> SafeString:
    """`core/form_fields.html` (the errors' summary, then every field) for a public page's
    form, kept per state while it is blank. A submitted form is rendered each time: what
    a visitor typed (a name, an email address) is never kept in the cache."""
    if form.is_bound:
        # Rendered by the template engine, which escapes: safe as it was made.
        return mark_safe(get_template(FORM_TEMPLATE).render({"form": form}))  # noqa: S308
    return rendered_fields(form, FORM_TEMPLATE)
