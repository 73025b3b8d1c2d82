"""Markdown written by people, turned into HTML that is safe to show."""

import functools
import re
import threading
from collections.abc import Callable
from urllib.parse import urljoin

import markdown as md
import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_HEADING = re.compile(r"<(/?)h([1-6])>")
ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
    "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "img": {"src", "alt", "title"}}


def render_markdown(
    text: str, *, line_breaks: bool = False, base_url: str | None = None
) -> SafeString:
    """Render Markdown and strip everything not on the allow-list (scripts, styles, events).

    `line_breaks`: every new line is a line break, as people who write an email or a
    message expect (the `nl2br` extension); an empty line still starts a paragraph, and
    lists, quotes and code keep their Markdown meaning. Documents (the wiki, a project's
    description) keep Markdown's rule, where a single new line only wraps the text.

    `base_url`: links and pictures with a relative address (`/collectifs/…`) are made
    absolute on it, for HTML read outside the site (an email).

    The same text gives the same HTML: texts up to `MEMO_LENGTH` are kept rendered, per
    process (a project's description and news, shown on every visit of its page)."""
    text = text or ""
    if len(text) <= MEMO_LENGTH:
        return _memo(text, line_breaks, base_url)
    return _render(text, line_breaks, base_url)


# Texts longer than this are rendered each time (a long wiki page is read rarely, and
# would weigh on the memo); `MEMO_SIZE` texts are kept, the least recently shown go.
MEMO_LENGTH = 20_000
MEMO_SIZE = 512
_converters = threading.local()


def _converter(line_breaks: bool) -> md.Markdown:
    """One converter per thread and kind, reset before each text: building one (its
    extensions and patterns) cost more than converting a description."""
    name = "nl2br" if line_breaks else "plain"
    found = getattr(_converters, name, None)
    if found is None:
        extensions = ["extra", "sane_lists", *(["nl2br"] if line_breaks else [])]
        found = md.Markdown(extensions=extensions, output_format="html")
        setattr(_converters, name, found)
    return found


@functools.lru_cache(maxsize=MEMO_SIZE)
def _memo(text: str, line_breaks: bool, base_url: str | None) -> SafeString:
    return _render(text, line_breaks, base_url)


def _render(text: str, line_breaks: bool, base_url: str | None) -> SafeString:
    html = _converter(line_breaks).reset().convert(text)
    # User text sits inside a section with its own h2: its headings start at h3.
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
        attribute_filter=_absolute_on(base_url) if base_url else None,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


# A Markdown link or picture to a site path: "[text](/path)", "![alt](/path)".
_MARKDOWN_SITE_LINK = re.compile(r"(\]\(\s*<?)/(?!/)")


def markdown_links_absolute(text: str, base_url: str) -> str:
    """Markdown as written, its links to site paths made absolute: the plain-text part of
    an email, read outside the site."""
    return _MARKDOWN_SITE_LINK.sub(lambda m: f"{m[1]}{base_url.rstrip('/')}/", text or "")


def _absolute_on(base_url: str) -> Callable[[str, str, str], str]:
    base = base_url.rstrip("/") + "/"

    def absolute(tag: str, attribute: str, value: str) -> str:
        if attribute in {"href", "src"} and not value.startswith("#"):
            return urljoin(base, value)
        return value

    return absolute


_BLOCKQUOTE = re.compile(r"</?blockquote>")


def fold_quotes(html: str, summary: str) -> SafeString:
    """`render_markdown`'s HTML with each outer quote in a closed <details>: the lines of an
    older email quoted above each answer are one click away, with no script."""
    out: list[str] = []
    depth = 0
    position = 0
    label = escape(summary)
    for match in _BLOCKQUOTE.finditer(html):
        out.append(html[position : match.start()])
        position = match.end()
        closing = match.group().startswith("</")
        if not closing and depth == 0:
            out.append(f'<details class="quoted"><summary>{label}</summary>')
        out.append(match.group())
        depth += -1 if closing else 1
        if closing and depth == 0:
            out.append("</details>")
        depth = max(depth, 0)
    out.append(html[position:])
    return mark_safe("".join(out))  # noqa: S308 - sanitised HTML and an escaped label
