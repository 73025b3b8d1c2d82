"""The list's incoming mail: what becomes of each email (reading it is `reading.py`).

`receive(raw)` keeps every email as an InboundMail, then posts it, holds it for a
coordinator or ignores it (auto-replies, bounces, loops), in one transaction: a mail is
either stored with its outcome or not at all (the mail server then delivers it again).
Whether its sender is who the From says, which may wait on DNS, is checked before.

Decisions, in order: unreadable → ignored; sent by a list (ours) → ignored; delivery
failure → ignored; automatic reply → ignored; too large → ignored, the sender is told if
the From address is proven theirs; no collective at the address → ignored; already
received (same Message-ID) → ignored; then by sender: a pending member's or a stranger's
mail is held; an active member's mail is held when it came to another member's reply
address, or when nothing proves the From address is theirs (`authentication`, issue #11,
point 2); otherwise it is posted (a first post may be held when the collective holds
first posts), its text cut at `services.BODY_MAX` characters with the whole text attached
(point 11). Nothing automatic is ever answered, so two robots cannot mail each other
forever, and nothing is ever answered to an address that may be forged.

Mail to a member's bounce address (the envelope sender of their list mail, issue #12,
item 4) is decided first: never posted, and a delivery failure there is counted against
the member's address (`bounces`, `membership.services.bounce_record`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.message import Message as MimeMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tissage.accounts.models import User, normalise_email
from tissage.collectives import tokens
from tissage.collectives.lists import services
from tissage.collectives.lists.attachments import PreparedAttachment, text_attachment
from tissage.collectives.membership.services import bounce_record
from tissage.collectives.models import (
    Collective,
    CollectiveMembership,
    InboundMail,
    Message,
    Thread,
)
from tissage.core.emails import email_send
from tissage.core.files import StorageUnavailable

from . import authentication, bounces
from .reading import (
    Content,
    addresses,
    body_text,
    content_read,
    header,
    headers_only,
    message_ids,
    parse,
    subject_clean,
)

logger = logging.getLogger(__name__)

Status = InboundMail.Status
Reason = InboundMail.Reason

_AUTO_SUBJECT = re.compile(
    r"^\s*(?:Automatic reply|Auto(?:matic)?[- ]?reply|Réponse automatique|Absence|Out of office"
    r"|Abwesenheitsnotiz|Automatische Antwort)\b",
    re.IGNORECASE,
)
# What only an out-of-office subject is: the words alone, or followed by ":" and the
# subject answered ("Réponse automatique : Re: [CLAC] …"), not "Out of office party".
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|autoreply|réponse automatique|message automatique"
    r"|out of (?:the )?office(?: auto[- ]?reply)?|absente? du bureau|absent·e du bureau"
    r"|absent\(e\) du bureau|absence du bureau|message d'absence|abwesenheitsnotiz"
    r"|automatische antwort)\s*(?::|$)",
    re.IGNORECASE,
)
# An out-of-office text says early that the person is away…
_AWAY = re.compile(
    r"\b(?:je suis|je serai|nous sommes)\s+(?:actuellement\s+|absolument\s+)?"
    r"(?:absent|en congés?\b|en vacances\b|hors du bureau)"
    r"|\b(?:i am|i'm|i will be|i'll be|we are)\s+(?:currently\s+)?"
    r"(?:out of (?:the )?office|away\b|on (?:annual )?leave\b|on vacation\b|on holiday\b)",
    re.IGNORECASE,
)
# …and says what only a robot answering for the person says.
_AUTOMATIC_TEXT = re.compile(
    r"(?:à|dès) mon retour|de retour le|serai de retour|en cas d'urgence|pour toute urgence"
    r"|accès (?:limité |restreint )?à (?:mes|ma messagerie)|message automatique"
    r"|réponse automatique|upon my return|on my return|when i return|when i'm back"
    r"|i will be back|i'll be back|back in the office|if (?:this is |it is )?urgent"
    r"|for (?:anything )?urgent|in case of (?:an )?(?:emergency|urgency)"
    r"|limited access to (?:my )?e-?mail|automatic (?:reply|message)",
    re.IGNORECASE,
)
# A real message may say its author is away: only a short text is read as a robot's.
_OUT_OF_OFFICE_TEXT_MAX = 800

_AUTO_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
_BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}


# --- classification ----------------------------------------------------------------------


def _is_loop(message: MimeMessage) -> bool:
    if header(message, "X-Tissage-List"):
        return True
    list_id = header(message, "List-Id").lower()
    domain = settings.LIST_DOMAIN.lower()
    return any(value.endswith("." + domain) for value in re.findall(r"<([^<>]+)>", list_id))


def _is_bounce(message: MimeMessage, sender: str) -> bool:
    if header(message, "Return-Path").replace(" ", "") == "<>":
        return True
    if sender.split("@", 1)[0].lower() in _BOUNCE_SENDERS:
        return True
    return message.get_content_type() == "multipart/report"


def _is_auto_reply(message: MimeMessage, subject: str) -> bool:
    auto_submitted = header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return True
    if any(header(message, name) for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder")):
        return True
    if header(message, "Precedence").lower() in _AUTO_PRECEDENCE:
        return True
    suppress = header(message, "X-Auto-Response-Suppress").lower()
    if _AUTO_SUBJECT.match(subject) and ("oof" in suppress or "all" in suppress):
        return True
    return _OUT_OF_OFFICE_SUBJECT.match(subject) is not None or _is_out_of_office_text(message)


def _is_out_of_office_text(message: MimeMessage) -> bool:
    """An out-of-office reply sent without any header that says so: a short text whose
    first lines say the person is away and that says what only a robot says ("à mon
    retour", "for urgent matters"). "Je suis absente samedi, Paul apporte les clés" is a
    real message, posted."""
    if not isinstance(message, EmailMessage):
        return False
    try:
        text = " ".join(body_text(message).replace("’", "'").split())
    except Exception:  # an unreadable body is for the rest of the checks to judge
        return False
    if not text or len(text) > _OUT_OF_OFFICE_TEXT_MAX:
        return False
    return _AWAY.search(text[:300]) is not None and _AUTOMATIC_TEXT.search(text) is not None


@dataclass(frozen=True)
class ListAddress:
    """The list a mail came to and, for a member's signed reply address, the thread and
    the member it names."""

    collective: Collective | None = None
    thread_id: int | None = None
    signed_for: int | None = None
    address: str = ""


def _ours(
    message: MimeMessage, recipient: str | None, names: tuple[str, ...]
) -> list[tuple[str, str]]:
    """(address, local part) of the mail's addresses at the list domain: the recipient
    the mail server gave, then those of the headers `names`."""
    candidates: list[str] = []
    if recipient:
        candidates.append(parseaddr(recipient)[1] or recipient)
    for name in names:
        candidates.extend(address for _display, address in addresses(message, name))
    domain = settings.LIST_DOMAIN.lower()
    found = []
    for address in candidates:
        local, _at, address_domain = address.strip().rpartition("@")
        if address_domain.lower() == domain and local:
            found.append((address, local))
    return found


def _bounce_address(message: MimeMessage, recipient: str | None) -> tuple[str, str] | None:
    """(address, local part) when the mail came to a bounce address: the one the mail
    server delivered it to, else the first of the delivery headers (a catch-all mailbox
    read by fetch-mail). A Cc names no delivery, and is not looked at."""
    names = () if recipient else ("Delivered-To", "X-Original-To", "To")
    for address, local in _ours(message, recipient, names):
        if tokens.is_bounce_address(local):
            return address, local
    return None


def _collective_for(message: MimeMessage, recipient: str | None) -> ListAddress:
    """The first of the mail's addresses that is one of our lists."""
    ours = [
        (address, tokens.reply_address_read(local))
        for address, local in _ours(
            message, recipient, ("Delivered-To", "X-Original-To", "To", "Cc")
        )
    ]
    if not ours:
        return ListAddress()
    slugs = {read.slug.lower() for _address, read in ours}
    collectives = {c.slug: c for c in Collective.objects.filter(slug__in=slugs)}
    for address, read in ours:
        collective = collectives.get(read.slug.lower())
        if collective is not None:
            return ListAddress(collective, read.thread_id, read.user_id, address)
    return ListAddress()


# --- placing the message ------------------------------------------------------------------


def _place(
    message: MimeMessage, collective: Collective, thread_id: int | None
) -> tuple[Thread | None, Message | None]:
    """(thread, parent) of a reply, or (None, None) for a new thread."""
    references = message_ids(header(message, "In-Reply-To"))
    references += list(reversed(message_ids(header(message, "References"))))
    known = {
        m.message_id: m
        for m in Message.objects.filter(collective=collective, message_id__in=references)
        .select_related("thread")
        .only("pk", "message_id", "thread", "collective_id")
    }
    thread = None
    if thread_id is not None:
        thread = Thread.objects.filter(pk=thread_id, collective=collective).first()
    for reference in references:
        parent = known.get(reference)
        if parent is not None and (thread is None or parent.thread_id == thread.pk):
            return parent.thread, parent
    if thread is not None:
        return thread, thread.messages.order_by("created_at", "pk").first()
    return None, None


# The file that holds the whole text of a message too long for the list.
FULL_TEXT_NAME = "message-complet.txt"


class TooLong(Exception):
    """Even as an attached file, the text is larger than an attachment may be."""


def _body_fit(body: str) -> tuple[str, list[PreparedAttachment]]:
    """The text to post and, when it is longer than the web form takes
    (`services.BODY_MAX`), the whole text as a file: its first part stays readable on
    the thread's page, which would otherwise render megabytes of Markdown."""
    if len(body) <= services.BODY_MAX:
        return body, []
    try:
        full = text_attachment(FULL_TEXT_NAME, body)
    except ValidationError as error:
        raise TooLong from error
    with translation.override(settings.LANGUAGE_CODE):
        note = _(
            "(This message is longer than %(count)s characters: the whole text is in the "
            "attached file “%(name)s”.)"
        ) % {
            "count": number_format(services.BODY_MAX, force_grouping=True),
            "name": FULL_TEXT_NAME,
        }
    room = services.BODY_MAX - len(note) - 2
    cut = body[:room]
    # End on a line or a word when there is one near the end, not inside a word.
    for separator in ("\n", " "):
        at = cut.rfind(separator)
        if at > room - 2000:
            cut = cut[:at]
            break
    return f"{cut.rstrip()}\n\n{note}", [full]


def _post(
    *,
    mail: InboundMail,
    message: EmailMessage,
    target: ListAddress,
    collective: Collective,
    content: Content,
    body: str,
    author: User | None,
    author_name: str,
    membership: CollectiveMembership | None,
) -> Message:
    """Post the mail in its thread (or a new one). Raises TooLong."""
    body, full_text = _body_fit(body)
    # The whole text comes first, and on top of the files the sender attached.
    attachments = [*full_text, *content.attachments]
    thread, parent = _place(message, collective, target.thread_id)
    message_id = mail.message_id_header
    if not message_id or Message.objects.filter(message_id=message_id).exists():
        message_id = services.new_message_id(collective)
    if thread is None:
        return services.thread_start(
            collective=collective,
            subject=subject_clean(mail.subject, collective),
            author=author,
            author_name=author_name,
            body=body,
            source=Message.Source.EMAIL,
            message_id=message_id,
            attachments=attachments,
            membership=membership,
        )
    return services.message_reply(
        thread=thread,
        parent=parent,
        author=author,
        author_name=author_name,
        body=body,
        source=Message.Source.EMAIL,
        message_id=message_id,
        attachments=attachments,
        membership=membership,
    )


def _decide(
    mail: InboundMail,
    message: EmailMessage | None,
    recipient: str | None,
    *,
    check: authentication.SenderCheck | None,
    too_large: bool,
) -> None:
    """`check`: whether the From address is the sender's, when it is someone's account."""
    if message is None:
        mail.status, mail.reason = Status.IGNORED, Reason.MALFORMED
        return
    bounce_address = _bounce_address(message, recipient)
    if bounce_address is not None:
        _bounce_receive(mail, message, *bounce_address)
        return
    if not mail.sender:
        mail.status, mail.reason = Status.IGNORED, Reason.MALFORMED
        return
    target = _collective_for(message, recipient)
    collective = target.collective
    mail.collective = collective
    if not mail.recipient:
        mail.recipient = target.address[:254]
    if _is_loop(message):
        mail.status, mail.reason = Status.IGNORED, Reason.LOOP
    elif _is_bounce(message, mail.sender):
        mail.status, mail.reason = Status.IGNORED, Reason.BOUNCE
    elif _is_auto_reply(message, mail.subject):
        mail.status, mail.reason = Status.IGNORED, Reason.AUTO_REPLY
    elif too_large:
        mail.status, mail.reason = Status.IGNORED, Reason.TOO_LARGE
        if collective is not None:
            _sender_check_record(mail, check)
            _tell_too_large(mail, collective)
    elif collective is None:
        mail.status, mail.reason = Status.IGNORED, Reason.NO_LIST
    elif _already_received(mail):
        # A mail server delivering the same mail twice: the first copy counts.
        mail.status, mail.reason = Status.IGNORED, Reason.NONE
    else:
        _decide_by_sender(mail, message, collective, target, check=check)


def _bounce_receive(mail: InboundMail, message: EmailMessage, address: str, local: str) -> None:
    """Mail to a member's bounce address is never posted: a delivery failure is counted
    against the member's address; anything else there (an automatic reply sent to the
    envelope sender, a delay warning) is ignored."""
    membership = tokens.bounce_address_read(local)
    if not mail.recipient:
        mail.recipient = address[:254]
    if membership is not None:
        mail.collective = membership.collective
    report = bounces.report_read(message)
    if report is None:
        auto = _is_auto_reply(message, mail.subject)
        mail.status, mail.reason = Status.IGNORED, (Reason.AUTO_REPLY if auto else Reason.NO_LIST)
        return
    mail.status, mail.reason = Status.IGNORED, Reason.BOUNCE
    if membership is None:
        logger.info("Bounce to %s: no such member (or a bad signature), not counted", address)
        return
    if not report.kind.counts:
        return
    suspended = bounce_record(
        membership=membership,
        mail=mail,
        permanent=report.kind is bounces.Kind.HARD,
        status=report.status,
        diagnostic=report.diagnostic,
    )
    logger.info(
        "Bounce for member %s of %s (%s %s)%s",
        membership.pk,
        membership.collective.slug,
        report.kind,
        report.status,
        ": delivery suspended" if suspended else "",
    )


def _already_received(mail: InboundMail) -> bool:
    if not mail.message_id_header:
        return False
    if Message.objects.filter(message_id=mail.message_id_header).exists():
        return True
    return (
        InboundMail.objects.filter(
            message_id_header=mail.message_id_header,
            collective=mail.collective,
            status__in=[Status.HELD, Status.POSTED],
        )
        .exclude(pk=mail.pk)
        .exists()
    )


def _sender_check_record(mail: InboundMail, check: authentication.SenderCheck | None) -> None:
    """Whether the From address is the sender's, on the mail (the coordinators see why it
    is held) and in the log (for whoever looks after the mail server). No check (an
    account created meanwhile) proves nothing."""
    if check is None:
        return
    mail.verification = check.verification
    logger.info("Incoming mail from %s: %s (%s)", mail.sender, check.verification, check.detail)


def _decide_by_sender(
    mail: InboundMail,
    message: EmailMessage,
    collective: Collective,
    target: ListAddress,
    *,
    check: authentication.SenderCheck | None,
) -> None:
    user = User.objects.filter(email=normalise_email(mail.sender), is_active=True).first()
    membership = (
        CollectiveMembership.objects.filter(collective=collective, user=user).first()
        if user is not None
        else None
    )
    if user is None or membership is None:
        mail.status, mail.reason = Status.HELD, Reason.UNKNOWN_SENDER
        return
    if membership.status != CollectiveMembership.Status.ACTIVE:
        mail.status, mail.reason = Status.HELD, Reason.PENDING_MEMBER
        return
    if target.signed_for is not None and target.signed_for != user.pk:
        # Another member's copy, forwarded or stolen: the address is theirs, not the
        # sender's (a coordinator may still post it).
        mail.status, mail.reason = Status.HELD, Reason.REPLY_ADDRESS
        return
    _sender_check_record(mail, check)
    if not authentication.accepts(mail.verification, collective):
        mail.status, mail.reason = Status.HELD, Reason.UNVERIFIED
        return
    content = content_read(message)
    if not content.body and not content.attachments:
        # Only quotes, or a reply our parser emptied by mistake: a coordinator sees it.
        mail.status, mail.reason = Status.HELD, Reason.EMPTY
        return
    try:
        posted = _post(
            mail=mail,
            message=message,
            target=target,
            collective=collective,
            content=content,
            body=content.body,
            author=user,
            author_name="",
            membership=membership,
        )
    except TooLong:
        mail.status, mail.reason = Status.IGNORED, Reason.TOO_LARGE
        _tell_too_large(mail, collective, limit=settings.LIST_MAX_ATTACHMENT_BYTES)
        return
    mail.message = posted
    if posted.status == Message.Status.HELD:
        mail.status, mail.reason = Status.HELD, Reason.FIRST_POST
    else:
        mail.status, mail.reason = Status.POSTED, Reason.NONE


def _tell_too_large(mail: InboundMail, collective: Collective, *, limit: int | None = None) -> None:
    """Tell a person with an account, once per mail even if it is delivered again, in
    their language; never a stranger, and never an address that nothing proves is the
    sender's (`mail.verification`): a notice to a forged From address is spam to an
    innocent (backscatter)."""
    user = User.objects.filter(email=normalise_email(mail.sender)).first()
    told = (
        mail.message_id_header
        and InboundMail.objects.filter(
            message_id_header=mail.message_id_header, reason=Reason.TOO_LARGE
        )
        .exclude(pk=mail.pk)
        .exists()
    )
    if user is None or told or not mail.sender_verified:
        return
    limit = limit or settings.LIST_MAX_MESSAGE_BYTES
    email_send(
        to=mail.sender,
        template="emails/collectives/lists/mail/too_large",
        context={
            "collective": collective,
            "subject": mail.subject,
            "limit_mb": max(1, limit // (1024 * 1024)),
        },
        reason=_("You sent an email to the list of the collective %(name)s.")
        % {"name": collective.name},
        language=user.language or settings.LANGUAGE_CODE,
    )


# --- entry points -------------------------------------------------------------------------


def receive(raw: bytes, recipient: str | None = None) -> InboundMail:
    """Store one raw email and post, hold or ignore it. Raises only DatabaseError or
    StorageUnavailable (the caller tells the mail server to try again later). The same
    email delivered again to the same recipient, byte for byte, is the mail already
    stored, decided once.

    Whether the From address is the sender's may wait on DNS for seconds: it is checked
    first, outside the transaction (no database lock waits on the network), and only
    for an address that is someone's account (nobody else is posted or answered)."""
    fingerprint = hashlib.sha256(f"{recipient or ''}\n".encode() + raw).hexdigest()
    already = InboundMail.objects.filter(fingerprint=fingerprint).order_by("pk").first()
    if already is not None:
        return already
    too_large = len(raw) > settings.LIST_MAX_MESSAGE_BYTES
    # Only the headers of a mail too large are kept (and read): who sent what, to whom.
    kept = headers_only(raw) if too_large else raw
    message = parse(kept)
    check = _check_ahead(raw, message)
    return _receive(
        kept, message, recipient, check=check, too_large=too_large, fingerprint=fingerprint
    )


def _check_ahead(raw: bytes, message: EmailMessage | None) -> authentication.SenderCheck | None:
    if message is None or _is_loop(message) or _is_auto_reply(message, header(message, "Subject")):
        return None
    senders = addresses(message, "From")
    if not senders or _is_bounce(message, senders[0][1]):
        return None
    if not User.objects.filter(email=normalise_email(senders[0][1])).exists():
        return None
    return authentication.sender_verify(raw, message)


@transaction.atomic
def _receive(
    raw: bytes,
    message: EmailMessage | None,
    recipient: str | None,
    *,
    check: authentication.SenderCheck | None,
    too_large: bool,
    fingerprint: str = "",
) -> InboundMail:
    mail = InboundMail(
        raw=raw,
        recipient=(recipient or "")[:254],
        status=Status.IGNORED,
        fingerprint=fingerprint,
    )
    if message is not None:
        senders = addresses(message, "From")
        if senders:
            mail.sender_name = senders[0][0][:200]
            mail.sender = normalise_email(senders[0][1])[:254]
        mail.subject = header(message, "Subject")[:255]
        ids = message_ids(header(message, "Message-ID"))
        mail.message_id_header = ids[0][:255] if ids else ""
    mail.save()
    try:
        with transaction.atomic():
            _decide(mail, message, recipient, check=check, too_large=too_large)
            mail.save()
    except DatabaseError:
        raise
    except StorageUnavailable:
        # Its attachments cannot be stored for now: the mail server keeps the email and
        # tries again (mail-in exits 75); nothing of it stays here meanwhile, or the
        # next delivery would be taken for one already decided.
        InboundMail.objects.filter(pk=mail.pk).delete()
        raise
    except Exception:
        # A bug of ours must not lose the mail: keep it for a coordinator (or support).
        logger.exception("Incoming mail %s could not be handled", mail.pk)
        mail.message = None
        mail.status = Status.HELD if mail.collective_id else Status.IGNORED
        mail.reason = Reason.MALFORMED
        mail.save()
    return mail


def _held_mail(mail: InboundMail) -> InboundMail | None:
    locked = InboundMail.objects.select_for_update().filter(pk=mail.pk).first()
    if locked is None or locked.status != Status.HELD:
        return None
    return locked


@transaction.atomic
def held_mail_approve(*, mail: InboundMail, moderator: User) -> Message:
    """Post a held email (from a non-member, say) on the list, under the sender's name."""
    locked = _held_mail(mail)
    if locked is None:
        mail.refresh_from_db()
        if mail.message is not None:
            return mail.message
        raise ValueError("This email is not waiting for a decision.")
    if locked.message is not None:  # a new member's first message, held by services
        posted = services.message_approve(message=locked.message, moderator=moderator)
    else:
        message = parse(bytes(locked.raw))
        if message is None or locked.collective is None:
            raise ValueError("This email cannot be posted.")
        target = _collective_for(message, locked.recipient)
        try:
            content = content_read(message)
        except Exception as error:  # held as malformed because reading it failed once
            raise ValueError("This email cannot be posted.") from error
        author = User.objects.filter(email=normalise_email(locked.sender)).first()
        try:
            posted = _post(
                mail=locked,
                message=message,
                target=target,
                collective=locked.collective,
                content=content,
                # The coordinator chose to post it: if nothing was left once the quotes
                # were removed, the whole text is better than an empty message.
                body=content.body or content.full_text or "…",
                author=author,
                author_name=locked.sender_name or locked.sender.split("@", 1)[0],
                membership=None,
            )
        except TooLong as error:
            raise ValueError("This email is too long to be posted.") from error
    locked.message = posted
    locked.status = Status.POSTED
    locked.decided_by = moderator
    locked.decided_at = timezone.now()
    locked.save(update_fields=["message", "status", "decided_by", "decided_at"])
    mail.refresh_from_db()
    return posted


@transaction.atomic
def held_mail_discard(*, mail: InboundMail, moderator: User) -> None:
    locked = _held_mail(mail)
    if locked is None:
        return
    if locked.message is not None and locked.message.status == Message.Status.HELD:
        services.message_hide(message=locked.message, moderator=moderator)
    locked.status = Status.DISCARDED
    locked.decided_by = moderator
    locked.decided_at = timezone.now()
    locked.save(update_fields=["status", "decided_by", "decided_at"])
    mail.refresh_from_db()
