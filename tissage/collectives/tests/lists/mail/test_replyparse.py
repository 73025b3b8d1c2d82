"""The new part of a reply: what `reply_text` and `html_to_text` keep and cut."""

from __future__ import annotations

import time

from tissage.collectives.lists.mail.replyparse import html_to_text, reply_text


def test_reply_text_keeps_a_message_that_looks_like_a_signature():
    text = "Moi !\n\nThanks, everyone: here is the plan\nfor saturday.\n"
    assert reply_text(text) == text.strip()


def test_html_outlook_desktop_separator_cuts_the_original():
    html = (
        "<div class=WordSection1><p>Ok pour moi.</p><div><div style='border:none;"
        "border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'><p><b>De :</b> Alice"
        "<br><b>Envoyé :</b> jeudi</p></div></div><p>Texte d'origine</p></div>"
    )
    assert html_to_text(html) == "Ok pour moi."


def test_a_long_mail_is_read_in_linear_time():
    # 20,000 lines took a minute when each line walked its whole paragraph.
    text = "ligne de texte\n" * 20_000 + "On Monday, Bob <bob@example.org> wrote:\n> ?\n"
    started = time.monotonic()

    assert reply_text(text) == ("ligne de texte\n" * 20_000).strip()
    assert time.monotonic() - started < 10


def test_a_kept_quote_loses_its_attribution_and_its_signature():
    text = (
        "> Le 26 nov. 2026 à 10:02, Alice <alice@example.org> a écrit :\n"
        "> Qui vient ?\n> -- \n> Alice\n> 06 12 34 56 78\n\nMoi."
    )

    assert reply_text(text) == "> Qui vient ?\n\nMoi."
