"""The new part of a reply: what `reply_text` and `html_to_text` keep and cut."""

from __future__ import annotations

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
