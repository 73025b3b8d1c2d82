"""Wiki text: Markdown with [[Page name]] and [[Page name|shown text]] links.

The links are cut out before Markdown runs and put back after the sanitiser, as
placeholders only we can write (a random nonce per rendering): the sanitiser never has
to allow a class, and every piece of the page name that ends up in the HTML is escaped
by us. A placeholder found inside a tag (say a link name written in a Markdown URL) or
inside code is put back as plain escaped text.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tissage.core.markdown import render_markdown

from ..models import Collective, WikiPage
from .services import title_slug

WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]{1,150})(?:\|([^\[\]\n]{1,200}))?\]\]")
# nh3 always quotes attribute values with " (escaping " inside), so this cuts the
# sanitised HTML into tags and text exactly.
_TAG = re.compile(r'(<(?:[^>"]|"[^"]*")*>)')
_CODE_TAG = re.compile(r"<(/?)(code|pre)\b", re.IGNORECASE)


def link_names(text: str) -> list[str]:
    """The page names of the [[links]] in a text."""
    return [m[1].strip() for m in WIKI_LINK.finditer(text or "") if m[1].strip()]


def render_wiki(collective: Collective, text: str) -> SafeString:
    """Sanitised HTML of a wiki page, its [[links]] resolved within the collective."""
    text = text or ""
    matches = [m for m in WIKI_LINK.finditer(text) if m[1].strip()]
    if not matches:
        return render_markdown(text)

    nonce = secrets.token_hex(8)
    links: list[tuple[str, str, str]] = []  # (raw source, name, label)

    def cut(match: re.Match[str]) -> str:
        name = match[1].strip()
        if not name:
            return match[0]
        label = (match[2] or "").strip() or name
        links.append((match[0], name, label))
        return f"wikilink{nonce}x{len(links) - 1}x"

    html = render_markdown(WIKI_LINK.sub(cut, text))

    # Every link of the page resolved in one query.
    slugs = {title_slug(name) for _raw, name, _label in links} - {""}
    existing = set(
        WikiPage.objects.filter(collective=collective, slug__in=slugs).values_list(
            "slug", flat=True
        )
    )
    create_url = reverse("collectives:wiki_create", args=[collective.slug])

    def link_html(index: int) -> str:
        _raw, name, label = links[index]
        slug = title_slug(name)
        if slug in existing:
            url = reverse("collectives:wiki_page", args=[collective.slug, slug])
            return format_html('<a href="{}">{}</a>', url, label)
        return format_html(
            '<a href="{}?{}" class="wiki-missing" title="{}">{}'
            '<span class="visually-hidden"> {}</span></a>',
            create_url,
            urlencode({"titre": name}),
            _("Page to create: %(name)s") % {"name": name},
            label,
            _("(page to create)"),
        )

    placeholder = re.compile(rf"wikilink{nonce}x(\d+)x")
    in_code = 0
    parts = []
    for i, part in enumerate(_TAG.split(html)):
        if i % 2:  # a tag
            code = _CODE_TAG.match(part)
            if code:
                in_code += -1 if code[1] else 1
            parts.append(placeholder.sub(lambda m: escape(links[int(m[1])][0]), part))
        elif in_code > 0:
            parts.append(placeholder.sub(lambda m: escape(links[int(m[1])][0]), part))
        else:
            parts.append(placeholder.sub(lambda m: link_html(int(m[1])), part))
    return mark_safe("".join(parts))  # noqa: S308 - sanitised by nh3, our links escaped
