"""Wiki text: Markdown with [[Page name]] links (helper "wiki" fills this in)."""

from __future__ import annotations

from django.utils.safestring import SafeString

from tissage.core.markdown import render_markdown

from .models import Collective


def render_wiki(collective: Collective, text: str) -> SafeString:
    """Sanitised HTML of a wiki page, its [[links]] resolved within the collective."""
    return render_markdown(text)
