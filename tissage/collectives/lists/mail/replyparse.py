"""The new part of an email reply: without the quoted message, the attribution line
("Le … a écrit :"), the signature and the "Sent from my iPhone" footer.

Plain text goes through `reply_text`; an HTML-only mail first goes through `html_to_text`,
which removes the quoted parts that each mail client marks in its own way, then turns
the rest into Markdown. Quoted-header detection comes from `mail-parser-reply` (French,
English, German); the rest are the few patterns it does not know.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from mailparser_reply.parser import EmailMessage
from markdownify import markdownify

LANGUAGES = ["fr", "en", "de"]
# A signature longer than this is more likely the end of the message than a signature:
# keep it rather than lose what someone wrote after "Cordialement".
SIGNATURE_MAX_LINES = 8

# "Le jeu. 26 nov. 2026 à 10:02, Alice <a@example.org> a écrit :", which Gmail wraps
# over two lines; "On Thu, Nov 26, 2026 at 10:02 AM Alice <…> wrote:"; German "Am … schrieb …:".
_ATTRIBUTION = re.compile(
    r"^[ \t]*(?:Le|On|Am)\s[^\n]{0,300}?(?:\n(?![ \t]*>)[^\n]{0,200}?)?"
    r"(?:a\s+écrit|wrote|schrieb[^\n:]{0,100})\s*:[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# What clients put above a quoted or forwarded message; everything after it is the old one.
_ORIGINAL_SEPARATOR = re.compile(
    r"^[ \t]*(?:-{3,}\s*(?:Original Message|Message d['’]origine|Ursprüngliche Nachricht)"
    r"\s*-{3,}|_{20,})[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
_SIGNATURE_DELIMITER = re.compile(r"^-- ?$", re.MULTILINE)
_MOBILE_FOOTER = re.compile(
    r"^[ \t]*(?:Envoyé (?:de|depuis) mon|Envoyé depuis|Sent from my|Sent from Outlook|"
    r"Get Outlook for|Obtenir Outlook pour|Télécharger Outlook pour|Von meinem)\b.*$",
    re.IGNORECASE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>")
_BLANK_LINES = re.compile(r"\n{3,}")


def unflow(text: str, *, delsp: bool = False) -> str:
    """Join the lines of a format=flowed text (RFC 3676): a line ending with a space
    continues on the next one (the "-- " signature delimiter excepted)."""
    out: list[str] = []
    pending: str | None = None
    pending_depth = 0
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):  # space-stuffing
            content = content[1:]
        if pending is not None and depth == pending_depth:
            content = pending + content
        elif pending is not None:
            out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
        pending = None
        if content.endswith(" ") and content != "-- ":
            pending, pending_depth = (content[:-1] if delsp else content), depth
            continue
        out.append(">" * depth + (" " if depth and content else "") + content)
    if pending is not None:
        out.append(">" * pending_depth + (" " if pending_depth else "") + pending)
    return "\n".join(out)


def _cut_from(element: Tag) -> None:
    """Remove `element` and everything after it in the document."""
    node: Tag | None = element
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sibling in list(node.next_siblings):
            sibling.extract()
        node = node.parent
    element.decompose()


def html_to_text(html: str) -> str:
    """The new part of an HTML mail, as Markdown."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["head", "style", "script", "title", "img"]):
        tag.decompose()
    for selector in (
        "div.gmail_quote",  # Gmail, with its "Le … a écrit :" attribution
        "div.gmail_quote_container",
        "blockquote[type=cite]",  # Apple Mail, Thunderbird
        ".moz-cite-prefix",  # Thunderbird's attribution line
        "div.yahoo_quoted",
        "div#appendonsend",
    ):
        for tag in soup.select(selector):
            tag.decompose()
    # Outlook: the quoted message follows its header block, to the end of the mail.
    for selector in ("div#divRplyFwdMsg", "div#mail-editor-reference-message-container"):
        found = soup.select_one(selector)
        if found is not None:
            previous = found.find_previous_sibling()
            if isinstance(previous, Tag) and previous.name == "hr":
                previous.decompose()
            _cut_from(found)
    for tag in soup.find_all(style=re.compile(r"border-top:\s*solid", re.IGNORECASE)):
        if (
            isinstance(tag, Tag)
            and tag.parent is not None
            and re.search(r"\b(De|From)\s*:", tag.text)
        ):
            _cut_from(tag)
            break
    for text in soup.find_all(string=_ORIGINAL_SEPARATOR):
        if isinstance(text, NavigableString) and isinstance(text.parent, Tag):
            _cut_from(text.parent)
            break
    try:
        markdown = markdownify(str(soup), heading_style="ATX", bullets="-", escape_misc=False)
    except RecursionError:  # absurdly nested HTML: its plain text will do
        markdown = soup.get_text("\n")
    lines = [line.rstrip().replace("\xa0", " ") for line in markdown.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _remove_quotes(text: str) -> str:
    text = _ORIGINAL_SEPARATOR.split(text, maxsplit=1)[0]
    text = _ATTRIBUTION.sub("", text)
    return "\n".join(line for line in text.split("\n") if not _QUOTED_LINE.match(line))


def _latest_reply(text: str) -> str:
    parsed = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    if not parsed.replies:
        return text
    reply = parsed.replies[0]
    if not reply.signatures:
        return reply.body
    # "Thanks, everyone: here is the plan…" starts like a signature and is not one: cut
    # only at a closing alone on its line ("Cordialement,") followed by a few lines.
    first_line = reply.signatures.strip().split("\n", 1)[0].strip(" >,.!-_")
    lines = reply.signatures.count("\n") + 1
    if lines > SIGNATURE_MAX_LINES or len(first_line) > 25 or len(first_line.split()) > 3:
        return reply.full_body
    return reply.body


def _remove_footer(text: str) -> str:
    lines = text.rstrip().split("\n")
    # Only near the end: "Sent from my phone" in the middle of a message is the message.
    while lines and (not lines[-1].strip() or _MOBILE_FOOTER.match(lines[-1])):
        lines.pop()
    return "\n".join(lines)


def reply_text(text: str) -> str:
    """The new part of a plain-text reply (or of `html_to_text`'s Markdown)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    text = _SIGNATURE_DELIMITER.split(_remove_quotes(text), maxsplit=1)[0]
    if not text.strip():
        return ""
    text = _latest_reply(text)
    text = _SIGNATURE_DELIMITER.split(text, maxsplit=1)[0]
    text = _remove_footer(text)
    return _BLANK_LINES.sub("\n\n", text).strip()
