"""The `markdown` template filter: Markdown in, safe HTML out."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from tissage.core.markdown import render_markdown


def render(text: str) -> str:
    return Template("{% load tissage %}{{ text|markdown }}").render(Context({"text": text}))


def test_markdown_is_rendered():
    html = render("Un **chantier** samedi.\n\n- pelles\n- gants")

    assert "<strong>chantier</strong>" in html
    assert "<li>pelles</li>" in html


def test_script_is_removed():
    html = render("Bonjour <script>alert('x')</script> !")

    assert "<script" not in html
    assert "alert" not in html
    assert "Bonjour" in html


@pytest.mark.parametrize(
    "text",
    [
        '<a href="/" onclick="steal()">lien</a>',
        '<img src="x.png" onerror="steal()">',
        '<p onmouseover="steal()">survol</p>',
    ],
)
def test_event_handlers_are_removed(text):
    html = render(text)

    assert "steal()" not in html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "onmouseover" not in html


@pytest.mark.parametrize(
    "text", ["[clic](javascript:steal())", '<a href="javascript:steal()">clic</a>']
)
def test_javascript_links_are_removed(text):
    assert "javascript:" not in render(text)


def test_styles_and_iframes_are_removed():
    html = render('<style>body{display:none}</style><iframe src="https://evil.example/"></iframe>')

    assert "<style" not in html
    assert "<iframe" not in html
    assert "evil.example" not in html


def test_links_get_nofollow():
    html = render("[site](https://example.org/)")

    assert 'href="https://example.org/"' in html
    assert "nofollow" in html


def test_empty_text():
    assert render("") == ""


def test_headings_in_user_text_start_below_the_section_heading():
    html = render("# Titre\n\n## Pourquoi\n\ntexte")
    assert "<h3>Titre</h3>" in html
    assert "<h4>Pourquoi</h4>" in html
    assert "<h1>" not in html and "<h2>" not in html


# Issue #12, item 2: messages keep their lines; documents keep Markdown's rule.


def render_lines(text: str) -> str:
    return Template("{% load tissage %}{{ text|markdown_lines }}").render(Context({"text": text}))


def test_messages_keep_each_line_and_markdown_blocks():
    html = render_lines("Bonjour,\nRDV samedi\n14 h\n\n- pelles\n- gants\n\n> cité\n> ici")

    assert "<p>Bonjour,<br>\nRDV samedi<br>\n14 h</p>" in html
    assert "<li>pelles</li>\n<li>gants</li>" in html
    assert "<blockquote>" in html and "cité<br>\nici" in html


def test_documents_keep_markdowns_line_wrapping():
    assert "<p>une phrase\ncoupée</p>" in render("une phrase\ncoupée")


def test_relative_links_are_made_absolute_for_emails():
    from tissage.core.markdown import render_markdown

    html = render_markdown(
        "[wiki](/collectifs/x/wiki/) ![photo](/media/p.jpg) [ailleurs](https://a.example/)",
        base_url="https://tissage.example",
    )

    assert 'href="https://tissage.example/collectifs/x/wiki/"' in html
    assert 'src="https://tissage.example/media/p.jpg"' in html
    assert 'href="https://a.example/"' in html


def fold(text: str) -> str:
    template = "{% load tissage %}{{ text|markdown_lines|fold_quotes }}"
    with translation.override("en"):
        return Template(template).render(Context({"text": text}))


def test_fold_quotes_puts_each_outer_quote_in_a_closed_details():
    html = fold("> Qui vient ?\n>\n> > Et toi ?\n\nMoi.\n\n> Et dimanche ?\n\nNon.")

    assert html.count('<details class="quoted"><summary>Quoted text</summary>') == 2
    assert html.count("</details>") == 2
    # The nested quote stays inside the first one; the answers stay outside.
    first = html.split("</details>", 1)[0]
    assert first.count("<blockquote>") == 2 and "Moi." not in first
    assert "<p>Moi.</p>" in html.split("</details>", 1)[1]
    assert "<details open" not in html


def test_fold_quotes_leaves_text_without_quotes_alone():
    assert "details" not in fold("Un texte.\n\nSans citation.")


def test_a_text_leaves_nothing_behind_for_the_next_one():
    """One converter serves every text of a thread (reset between texts): an abbreviation
    or a footnote defined in one text never shows in the next."""
    first = render_markdown("Le PETR[^1] et le HTML.\n\n*[HTML]: HyperText\n\n[^1]: Pôle.")
    assert "<abbr" in first and "#fn:1" in first
    second = render_markdown("Le HTML sans définition[^1].")
    assert "<abbr" not in second and "#fn" not in second
    assert "[^1]" in second


def test_the_same_text_is_rendered_once_and_long_texts_each_time(monkeypatch):
    from tissage.core import markdown

    markdown._memo.cache_clear()
    calls = []
    real = markdown._render
    monkeypatch.setattr(markdown, "_render", lambda *a: calls.append(a) or real(*a))
    text = "Une **description** de projet."
    assert render_markdown(text) == render_markdown(text) == real(text, False, None)
    assert render_markdown(text, line_breaks=True)  # another kind: rendered apart
    long_text = "mot " * (markdown.MEMO_LENGTH // 4 + 1)
    render_markdown(long_text)
    render_markdown(long_text)
    assert [call[0] for call in calls] == [text, text, long_text, long_text]
