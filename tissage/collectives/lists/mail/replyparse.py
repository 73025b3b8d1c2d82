"""The new part of an email reply: without the quoted older message, its attribution line
("Le … a écrit :"), the signature and the "Sent from my iPhone" footer.

Plain text goes through `reply_text`; an HTML-only mail first goes through `html_to_text`,
which cuts the quoted parts that mail clients mark without a blockquote (Outlook's header
block, Yahoo's quoted div…), then turns the rest into Markdown, where a quote is "> " lines
like in plain text.

`reply_text` reads the text line by line (docs/mailing-lists.md, "What is kept of a reply"):

1. it finds where the older message starts: an attribution line ("On … wrote:", "Le … a
   écrit :", over one to three lines, in the languages of `LANGUAGES` and of
   `mail-parser-reply`), a header block ("De : … / Envoyé : …", "Message du : …"), a
   separator ("-----Original Message-----", "----- Mail original -----");
2. an attribution followed by "> " lines is only removed: those quoted lines stay, and a
   quoted block followed by an answer (an inline or bottom-posted reply) is kept as a
   Markdown quote, which the website shows folded. Everything else after the start of the
   older message is dropped, and so is the last quoted block when nothing follows it;
3. the signature ("-- "), a closing such as "Cordialement," followed by a few lines (a
   name, a phone number), and the phone or app footers at the end are removed.

Header and closing vocabularies come from `mail-parser-reply`; the pipeline around it is
ours, as it keeps quoted questions that `mail-parser-reply` would drop.
"""

from __future__ import annotations

import re
from functools import cache

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, Tag
from bs4.element import ProcessingInstruction
from mailparser_reply.constants import MAIL_LANGUAGES
from mailparser_reply.parser import EmailMessage
from markdownify import markdownify

# Languages whose quoted headers `mail-parser-reply` knows and which we look for.
LANGUAGES = ["fr", "en", "de", "es", "it", "nl", "pl", "da", "sv"]
# A closing followed by more lines than this is not a signature: keep it.
SIGNATURE_MAX_LINES = 7
# What of a mail `mail-parser-reply`'s patterns read, at most.
LIBRARY_MAX_LINE = 200
LIBRARY_MAX_LINES = 500
# An attribution line spreads over at most this many lines (Gmail on Android: three).
ATTRIBUTION_MAX_LINES = 3

_QUOTED = re.compile(r"^[ \t]*>")
_BLANK_LINES = re.compile(r"\n{3,}")
_EMAIL = r"[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+"

# "On … wrote:", "Le … a écrit :", "Am … schrieb …:", "Op … schreef …:", "El … escribió:",
# "Il … ha scritto:", "Den … skrev:", "W dniu … napisał:", "… пишет:"; the verb ends the
# line (talon's "On … wrote-----" and Samsung's "Sent from Samsung Mobile Name <…> wrote:"
# included).
_ATTRIBUTION_VERB = re.compile(
    r"(?:\bwrote|\bsent|a\s+écrit|\bschrieb[^:]{0,120}|\bschreef[^:]{0,120}"
    r"|het\s+volgende\s+geschreven|escribió|ha\s+scritto|escreveu|\bskrev|napisał|napsal"
    r"|пишет|написал\(?\u0430?\)?)\s*(?::|-{3,})\s*$",
    re.IGNORECASE,
)
_ATTRIBUTION_START = re.compile(
    r"^[ \t>]*(?:-{2,}\s*)?(?:On|Le|Am|Op|El|Il|Em|Den|På|W\s+dniu|Dne|Sent\s+from)\s",
    re.IGNORECASE,
)
# What ends an attribution written by a date and an address, whatever the language:
# "ср, 30 апр. 2025 г. в 15:19, John Doe <doe@example.com>:",  # noqa: RUF003
# "2014-10-17 11:28 GMT+03:00 Postmaster <postmaster@example.org>:",
# "Thu, 26 Jun 2014 14:00:51 +0400 от Alexander L <abc@example.com>:".
_DATE = re.compile(r"\d{1,2}[:h.]\d{2}|\b(?:19|20)\d{2}\b")
_DATED_ADDRESS = re.compile(
    r"^[ \t]*(?=\S).{0,200}?(?:\d{1,2}[:h.]\d{2}|\b(?:19|20)\d{2}\b).{0,200}?"
    rf"<\s*{_EMAIL}\s*>\s*(?P<colon>:)?\s*$",
    re.IGNORECASE | re.DOTALL,
)
# The keys of a quoted header block, one per line: "From:", "*De :*", "Envoyé le :"…
_HEADER_FIRST = (
    r"From|De|Von|Van|Fra|Från|Od|От|Date|Datum|Message\s+du|Dátum|Fecha|Data|Enviado\s+por"
)
_HEADER_OTHER = (
    r"Sent|Envoyé(?:\s+le)?|Date|Datum|To|À|A|Pour|Subject|Objet|Sujet|Cc|Cci|Reply-To"
    r"|Répondre\s+à|Gesendet|An|Betreff|Verzonden|Aan|Onderwerp|Sendt|Til|Emne|Skickat"
    r"|Till|Ämne|Wysłano|Do|Temat|Отправлено|Кому|Тема|Дата|Enviado|Para|Asunto|Assunto"
    r"|Inviato|Oggetto|Organization|Importance"
)
_HEADER_LINE = re.compile(rf"^[ \t]*\*{{0,2}}(?:{_HEADER_FIRST})\*{{0,2}}[ \t]*:", re.IGNORECASE)
_HEADER_ANY = re.compile(
    rf"^[ \t]*\*{{0,2}}(?:{_HEADER_FIRST}|{_HEADER_OTHER})\*{{0,2}}[ \t]*:", re.IGNORECASE
)
# Orange's and SFR's webmails: "Message du 26/11/26 10:02" above "De : …".
_WEBMAIL_HEADER = re.compile(r"^[ \t]*Message\s+du\s*:?\s*\d", re.IGNORECASE)
# "From: someone@example.org" alone on its line is a header, even with nothing under it.
_FROM_ADDRESS = re.compile(
    rf"^[ \t]*\*{{0,2}}(?:From|De|Von)\*{{0,2}}[ \t]*:[ \t]*\*{{0,2}}[ \t]*<?{_EMAIL}>?[ \t]*$",
    re.IGNORECASE,
)
# A second header on the same line: "À : abc@abc.be Objet : …".
_HEADER_INLINE = re.compile(rf"\s(?:{_HEADER_OTHER})\*{{0,2}}[ \t]*:", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^[ \t]*-{2,}[ \t]*(?:Original\s+Message|Reply\s+Message|Message\s+d['’]origine|"
    r"Message\s+original|Mail\s+original|Courriel\s+original|Ursprüngliche\s+Nachricht|"
    r"Original-Nachricht|Antwort\s+Nachricht|Oprindelig\s+meddelelse|Messaggio\s+originale|"
    r"Mensaje\s+original|Oorspronkelijk\s+bericht|Исходное\s+сообщение)[ \t]*-{2,}[ \t]*$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^[ \t]*_{20,}[ \t]*$")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|_{3,}|\*(?:[ \t]*\*){2,})[ \t]*$")
# A forwarded message is what the sender shares: everything after it is kept.
_FORWARD = re.compile(
    r"^[ \t]*(?:-{2,}[ \t]*(?:Forwarded\s+message|Message\s+transféré|Weitergeleitete\s+"
    r"Nachricht|Mensaje\s+reenviado)[ \t]*-{2,}|Begin\s+forwarded\s+message\s*:|Début\s+du\s+"
    r"message\s+réexpédié\s*:)[ \t]*$",
    re.IGNORECASE,
)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SIGNATURE_DELIMITER = re.compile(r"^-- ?$")
# A whole footer line of a phone or an app: short, no sentence in it.
_FOOTER = re.compile(
    r"^[ \t]*(?:"
    r"(?:Sent|Envoyée?|Gesendet|Enviado|Inviato|Verzonden)\s+(?:from|de(?:puis)?|à\s+partir\s+"
    r"de|avec|with|von|via|using|da|desde|vanaf)\s+(?:my\s+|mon\s+|ma\s+|mein(?:em)?\s+|mi\s+"
    r"|un\s+|une\s+|l['’])?[\w.’'-]+(?:\s+[\w.’'-]+){0,4}"
    r"|(?:Get|Obtenir|Télécharger|Download)\s+Outlook\s+(?:for|pour|für)\s+\w+"
    r"|Provenance\s*:\s*Courrier\s+pour\s+Windows"
    r")\s*(?:<[^<>\s]+>|\([^()\s]+\)|\[[^\[\]\s]+\])?[ \t]*$",
    re.IGNORECASE,
)
# Closings that start a signature ("Cordialement,", "Best regards", "Bien à vous").
_OUR_CLOSINGS = [
    r"bien\s+(?:cordialement|à\s+(?:vous|toi|bientôt))",
    r"(?:très\s+)?cordialement",
    r"amitiés",
    r"(?:bien\s+)?amicalement",
    r"(?:bonne|belle)\s+(?:journée|soirée|semaine|fin\s+de\s+journée)",
    # Not "À samedi !": that one often says something.
    r"à\s+(?:bientôt|plus|\+|la\s+prochaine)",
    r"merci(?:\s+(?:beaucoup|d['’]avance|encore))?",
    r"(?:many\s+)?thanks(?:\s+(?:again|in\s+advance))?",
    r"thank\s+you",
    r"cheers",
    r"regards",
    r"(?:best|kind|warm)(?:est)?(?:\s+regards|\s+wishes)?",
    r"sincerely",
    r"yours(?:\s+\w+)?",
]
_CLOSING_LANGUAGES = ["fr", "en", "de"]


@cache
def _header_regex() -> re.Pattern[str]:
    """`mail-parser-reply`'s quoted-header patterns for our languages, compiled once."""
    return EmailMessage(text="", languages=list(LANGUAGES)).HEADER_REGEX


@cache
def _closing_regex() -> re.Pattern[str]:
    words = list(_OUR_CLOSINGS)
    for language in _CLOSING_LANGUAGES:
        words += [w.rstrip(",") for w in MAIL_LANGUAGES[language].get("signatures", [])]
    # The closing alone on its line, with at most two more words ("Regards, Roman").
    return re.compile(
        rf"^[ \t]*(?:{'|'.join(words)})[ \t]*[,.!…]*(?:[ \t]+[\w.’'-]+){{0,2}}[ \t]*[,.!]*[ \t]*$",
        re.IGNORECASE,
    )


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


# --- HTML ---------------------------------------------------------------------------------

# Outlook, Windows Mail, BlackBerry: the older message starts with a rule above its headers.
_TOP_BORDER = re.compile(
    r"border-top(?:-style)?\s*:\s*solid|border-style\s*:\s*solid\s+none\s+none", re.IGNORECASE
)


def _cut_from(element: Tag) -> None:
    """Remove `element` and everything after it in the document."""
    node: Tag | None = element
    while node is not None and node.name not in ("body", "html", "[document]"):
        for sibling in list(node.next_siblings):
            sibling.extract()
        node = node.parent
    element.decompose()


def _starts_with_headers(tag: Tag) -> bool:
    lines = [line.strip() for line in tag.get_text("\n").split("\n") if line.strip()]
    return bool(lines) and bool(_HEADER_LINE.match(lines[0])) and len(lines) >= 2


def html_to_text(html: str) -> str:
    """The new part of an HTML mail, as Markdown (quotes as "> " lines, for `reply_text`)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["head", "style", "script", "title", "img"]):
        tag.decompose()
    # Hotmail's "<?xml version…?>", comments, doctype: never text.
    for node in soup.find_all(
        string=lambda s: isinstance(s, Comment | Declaration | Doctype | ProcessingInstruction)
    ):
        node.extract()
    for selector in (
        "div.gmail_signature",
        "div[data-smartmail=gmail_signature]",
        ".moz-cite-prefix",  # Thunderbird's attribution line
        "div.yahoo_quoted",  # a div, not a blockquote: Markdown would not mark it quoted
        "div#appendonsend",
        "div.ms-outlook-mobile-signature",
        "div#ms-outlook-mobile-signature",
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
    for tag in soup.find_all(style=_TOP_BORDER):
        if isinstance(tag, Tag) and tag.parent is not None and _starts_with_headers(tag):
            _cut_from(tag)
            break
    # A layout table emptied by the cut would come out as an empty Markdown table.
    for table in soup.find_all("table"):
        if isinstance(table, Tag) and not table.get_text(strip=True):
            table.decompose()
    try:
        markdown = markdownify(str(soup), heading_style="ATX", bullets="-", escape_misc=False)
    except RecursionError:  # absurdly nested HTML: its plain text will do
        markdown = soup.get_text("\n")
    lines = [line.rstrip().replace("\xa0", " ") for line in markdown.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


# --- plain text ---------------------------------------------------------------------------


def _attribution_length(lines: list[str], index: int) -> int:
    """How many lines the attribution starting at `index` spreads over (0: none)."""
    first = lines[index]
    if not first.strip() or _QUOTED.match(first):
        return 0
    for size in range(1, ATTRIBUTION_MAX_LINES + 1):
        chunk = lines[index : index + size]
        if len(chunk) < size or (size > 1 and (not chunk[-1].strip() or _QUOTED.match(chunk[-1]))):
            return 0
        joined = " ".join(part.strip() for part in chunk)
        if len(joined) > 400:
            return 0
        if _ATTRIBUTION_START.match(first) and _ATTRIBUTION_VERB.search(joined):
            return size
        dated = _DATED_ADDRESS.match(joined) if _DATE.search(first) else None
        if dated and (dated["colon"] or _next_is_quoted(lines, index + size)):
            return size
        # Thunderbird's short form, right above the quote: "Alice Martin a écrit :".
        if (
            size == 1
            and len(joined) <= 80
            and not re.search(r"\d", joined)
            and _ATTRIBUTION_VERB.search(joined)
            and index + 1 < len(lines)
            and _QUOTED.match(lines[index + 1])
        ):
            return size
    return 0


def _next_is_quoted(lines: list[str], index: int) -> bool:
    for line in lines[index:]:
        if line.strip():
            return bool(_QUOTED.match(line))
    return False


def _header_block_at(lines: list[str], index: int) -> bool:
    """A quoted header block starts here: a "From:"-like line, then another header key
    within the next lines (a long "From:" may be wrapped over two lines)."""
    line = lines[index]
    if _WEBMAIL_HEADER.match(line):
        return any(_HEADER_ANY.match(following) for following in lines[index + 1 : index + 3])
    if not _HEADER_LINE.match(line):
        return False
    if _HEADER_INLINE.search(line) or _FROM_ADDRESS.match(line):
        return True
    for following in lines[index + 1 : index + 4]:
        if _HEADER_ANY.match(following):
            return True
        if not following.strip():
            return False
    return False


def _shares_line(line: str) -> int:
    """Where an attribution starts in a line that begins with the reply ("reply On … wrote:")."""
    match = re.search(r"(?:-{2,}\s*)?\bOn\s.{5,200}\bwrote:\s*$", line)
    if match and match.start() > 0 and _ATTRIBUTION_VERB.search(line):
        return match.start()
    return -1


def _older_message_start(lines: list[str]) -> tuple[int, set[int]]:
    """The index where the older message starts (len(lines) if none), and the indexes of
    attribution lines that only introduce "> " quotes (removed, the quotes are kept)."""
    attributions: set[int] = set()
    header_start = _library_header_start(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        if _QUOTED.match(line) or not line.strip():
            index += 1
            continue
        if _FORWARD.match(line):
            return len(lines), attributions
        size = _attribution_length(lines, index)
        if size and _next_is_quoted(lines, index + size):
            attributions.update(range(index, index + size))
            index += size
            continue
        if size or index >= header_start or _SEPARATOR.match(line):
            return min(index, header_start), attributions
        if _header_block_at(lines, index):
            return index, attributions
        if _UNDERSCORES.match(line) and any(
            _HEADER_ANY.match(following) for following in lines[index + 1 : index + 3]
        ):
            return index, attributions
        shared = _shares_line(line)
        if shared > 0:
            lines[index] = line[:shared].rstrip(" -")
            lines.insert(index + 1, line[shared:].lstrip(" -"))
            header_start += 1
            continue
        index += 1
    return len(lines), attributions


def _library_header_start(lines: list[str]) -> int:
    """The first line of a quoted header that `mail-parser-reply` recognises, unquoted."""
    # Its patterns backtrack: long lines (never a header) and the end of a long mail (a
    # reply's quoted header comes early) are not given to them.
    text = "\n".join(
        line.strip() if len(line) <= LIBRARY_MAX_LINE else "" for line in lines[:LIBRARY_MAX_LINES]
    )
    for match in _header_regex().finditer(text):
        start = match.start()
        while start < len(text) and text[start] == "\n":
            start += 1
        line_index = text.count("\n", 0, start)
        if line_index < len(lines) and not _QUOTED.match(lines[line_index]):
            if _header_block_at(lines, line_index):
                return line_index
            size = _attribution_length(lines, line_index)
            if size and not _next_is_quoted(lines, line_index + size):
                return line_index
    return len(lines)


def _blocks(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Consecutive runs of quoted and unquoted lines; an unquoted line wedged between two
    quoted ones with no blank line around is the quote wrapped by a phone, quoted too."""
    marks = [bool(_QUOTED.match(line)) for line in lines]
    index = 0
    while index < len(lines):
        if marks[index] or not lines[index].strip():
            index += 1
            continue
        start = end = index  # a run of written, unquoted lines
        while end + 1 < len(lines) and not marks[end + 1] and lines[end + 1].strip():
            end += 1
        if start > 0 and marks[start - 1] and end + 1 < len(lines) and marks[end + 1]:
            for wrapped in range(start, end + 1):
                marks[wrapped] = True
                lines[wrapped] = "> " + lines[wrapped].strip()
        index = end + 1
    blocks: list[tuple[bool, list[str]]] = []
    for line, quoted in zip(lines, marks, strict=True):
        if not line.strip() and blocks:
            blocks[-1][1].append(line)
            continue
        if blocks and blocks[-1][0] == quoted:
            blocks[-1][1].append(line)
        else:
            blocks.append((quoted, [line]))
    return blocks


def _strip_end(lines: list[str], *, first: bool) -> list[str]:
    """Without the signature, the closing and the phone footer at the end of an answer."""
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line):
            lines = lines[:index]
            break
    while True:
        while lines and not lines[-1].strip():
            lines.pop()
        if lines and _FOOTER.match(_MARKDOWN_LINK.sub(r"\1", lines[-1])):
            lines.pop()
            continue
        break
    written = [index for index, line in enumerate(lines) if line.strip()]
    # A closing never starts the message ("Thanks, everyone: here is the plan" is text).
    for position, index in enumerate(written[1:] if first else written, start=int(first)):
        if _closing_regex().match(lines[index]) and len(written) - position - 1 < (
            SIGNATURE_MAX_LINES
        ):
            return lines[:index]
    return lines


def _without_attribution(quote_lines: list[str]) -> list[str]:
    """A kept quote without the attribution at its top ("> Le … a écrit :"), which would
    show an address on the site."""
    inner = [re.sub(r"^[ \t]*>[ \t]?", "", line) for line in quote_lines]
    first = next((i for i, line in enumerate(inner) if line.strip()), None)
    if first is None:
        return quote_lines
    size = _attribution_length([*inner, ">"], first)
    if size:
        quote_lines, inner = quote_lines[first + size :], inner[first + size :]
    # Nor the quoted message's own signature.
    for index, line in enumerate(inner):
        if _SIGNATURE_DELIMITER.match(line.strip(" ")) or line.strip() == "--":
            return quote_lines[:index]
    return quote_lines


def _is_empty_quote(lines: list[str]) -> bool:
    return all(not line.strip(" \t>") for line in lines)


def reply_text(text: str) -> str:
    """The new part of a plain-text reply (or of `html_to_text`'s Markdown)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    start, attributions = _older_message_start(lines)
    kept = [line for index, line in enumerate(lines[:start]) if index not in attributions]
    # A rule just above the older message belongs to it.
    while kept and (not kept[-1].strip() or _RULE.match(kept[-1])):
        kept.pop()
    blocks = _blocks(kept)
    # Only what is followed by an answer stays of the quotes; the answers lose their end.
    while True:
        while blocks and (blocks[-1][0] or _is_empty_quote(blocks[-1][1])):
            blocks.pop()
        if not blocks:
            return ""
        stripped = _strip_end(list(blocks[-1][1]), first=len(blocks) == 1)
        if stripped == blocks[-1][1]:
            break
        blocks[-1] = (False, stripped)
        if any(line.strip() for line in stripped):
            break
        blocks.pop()
    parts: list[str] = []
    for quoted, block in blocks:
        content = "\n".join(block).strip("\n")
        if quoted:
            quote_lines = _without_attribution(content.split("\n"))
            while quote_lines and not quote_lines[0].strip(" \t>"):
                quote_lines.pop(0)
            while quote_lines and not quote_lines[-1].strip(" \t>"):
                quote_lines.pop()
            if not quote_lines:
                continue
            content = "\n".join(quote_lines)
        if content.strip():
            parts.append(content)
    return _BLANK_LINES.sub("\n\n", "\n\n".join(parts)).strip()
