"""Markdown written by people, turned into HTML that is safe to show."""

import re

import markdown as md
import nh3
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


def render_markdown(text: str) -> SafeString:
    """Render Markdown and strip everything not on the allow-list (scripts, styles, events)."""
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # User text sits inside a section with its own h2: its headings start at h3.
    html = _HEADING.sub(lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
