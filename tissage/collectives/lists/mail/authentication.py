"""Who sent an email: is its From address really the sender's? (issue #11, point 2)

The From header of an email is whatever its sender typed, so a list that posts a member's
mail on their word lets anyone post as them. Before a member's email is posted (and
before any notice goes back to a From address), `sender_verify` looks for proof, in the
spirit of DMARC:

1. **Our own mail server's verdict**, when the operator trusts it
   (`TISSAGE_LIST_TRUST_AUTH_RESULTS=<authserv-id>`): the topmost `Authentication-Results`
   header (RFC 8601) that names this authserv-id, and no other, saying `dmarc=pass`, or
   `dkim=pass` / `spf=pass` for a domain aligned with the From's. The mail server alone
   knows the connecting address, so SPF can only be read from it.
2. **A DKIM signature** (RFC 6376, checked here with dkimpy) whose signing domain `d=` is
   aligned with the From's domain and that covers the whole body (no `l=`).

Alignment, without the public suffix list: the signing domain is the From's domain or a
parent of it (`d=example.org` for `From: …@example.org` or `…@lists.example.org`), and
has at least two labels. A parent domain holds its subdomains' DNS, so it could sign for
them anyway; a subdomain signing for its parent, which relaxed DMARC also allows within
one organisation, is not taken, as we cannot tell an organisation from a shared suffix.

Without proof, the outcome says why: an aligned signature that does not verify, or a
failure reported by the trusted server, or no signature from a domain that publishes a
DMARC policy (it says it authenticates all its mail: unsigned mail is not from it) are
failures; a domain that publishes nothing (no DKIM signature, no DMARC record) is
`UNSIGNED`, which `accepts` holds or takes as `TISSAGE_LIST_UNVERIFIED` says.

Every DNS query (DKIM keys, DMARC records) goes through one resolver,
`settings.LIST_DNS_RESOLVER` (None: the system's, through dnspython), so tests serve
their own records and never reach the network.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message as MimeMessage

import dkim
import dns.exception
import dns.resolver
from django.conf import settings
from django.utils.module_loading import import_string
from dkim.util import InvalidTagValueList, parse_tag_value

from tissage.collectives.models import Collective, InboundMail

from .reading import addresses

logger = logging.getLogger(__name__)

Verification = InboundMail.Verification

# Seconds for each DNS query: mail-in runs while the mail server waits.
DNS_TIMEOUT = 5
# A forger can add as many signatures as they like: only the first few aligned ones
# cost a DNS query.
MAX_SIGNATURES = 3
# RFC 9989 (DMARCbis) walks up the DNS tree from at most 8 labels.
DMARC_WALK_LABELS = 8
# The RSA keys that DKIM verifiers still accept (RFC 8301).
MIN_KEY_BITS = 1024

# name → the strings of its TXT records; raises DnsTemporaryError when DNS cannot answer.
DnsTxt = Callable[[str], list[bytes]]


class DnsTemporaryError(Exception):
    """DNS did not answer (timeout, server failure): neither a yes nor a no."""


def system_dns_txt(name: str) -> list[bytes]:
    """The TXT records of `name`, from the system's resolver (dnspython)."""
    try:
        answer = dns.resolver.resolve(name, "TXT", lifetime=DNS_TIMEOUT, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except (dns.exception.Timeout, dns.resolver.NoNameservers) as error:
        raise DnsTemporaryError(str(error)) from error
    except dns.resolver.NoResolverConfiguration as error:
        raise DnsTemporaryError(str(error)) from error
    except (dns.exception.DNSException, UnicodeError, ValueError):
        return []  # a name DNS cannot even ask for (an empty or too long label…)
    return [b"".join(record.strings) for record in answer]


def dns_resolver() -> DnsTxt:
    configured = settings.LIST_DNS_RESOLVER
    if configured is None:
        return system_dns_txt
    if isinstance(configured, str):
        resolver: DnsTxt = import_string(configured)
        return resolver
    return configured  # type: ignore[no-any-return]


def aligned(signer: str, author: str) -> bool:
    """The signing (or envelope) domain `signer` vouches for the From domain `author`."""
    signer = signer.strip().rstrip(".").lower()
    author = author.strip().rstrip(".").lower()
    if not signer or "." not in signer:
        return False
    return author == signer or author.endswith("." + signer)


def _domain_of(address: str) -> str:
    """The domain of an address, as DNS and DKIM's d= write it (IDNA for accents)."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


# --- the trusted Authentication-Results header ----------------------------------------------

_COMMENT = re.compile(r"\([^()]*\)")
_TOKEN = re.compile(r'([A-Za-z0-9_.-]+)(?:\s*/\s*\d+)?\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+)')


@dataclass(frozen=True)
class ServerResult:
    """One `method=result` of an Authentication-Results header, with its properties."""

    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)

    def domain(self, *names: str) -> str:
        for name in names:
            value = self.properties.get(name, "")
            if value:
                return _domain_of(value)
        return ""


def results_parse(value: str) -> tuple[str, list[ServerResult]]:
    """(authserv-id, results) of one Authentication-Results header (RFC 8601)."""
    previous = None
    while previous != value:  # comments may nest
        previous = value
        value = _COMMENT.sub(" ", value)
    first, _semicolon, rest = value.partition(";")
    authserv_id = (first.split() or [""])[0].lower()
    results = []
    for resinfo in rest.split(";"):
        tokens = [(key.lower(), raw.strip('"')) for key, raw in _TOKEN.findall(resinfo)]
        if not tokens or "." in tokens[0][0]:
            continue  # "none" (no result at all), or a property without its method
        method, result = tokens[0]
        properties = {key: val for key, val in tokens[1:] if "." in key}
        results.append(ServerResult(method, result.lower(), properties))
    return authserv_id, results


def trusted_results(message: MimeMessage) -> list[ServerResult] | None:
    """The results of the topmost Authentication-Results header added by our own mail
    server (its authserv-id is TISSAGE_LIST_TRUST_AUTH_RESULTS), or None. Headers that
    name another server, or come below ours, were written by someone we do not trust."""
    trusted = settings.LIST_TRUST_AUTH_RESULTS
    if not trusted:
        return None
    try:
        values = [str(value) for value in message.get_all("Authentication-Results", [])]
    except Exception:  # a header so broken that it cannot be decoded
        return None
    for value in values:  # topmost first: the last server to handle the mail
        authserv_id, results = results_parse(value)
        if authserv_id == trusted:
            return results
    return None


def _vouches(result: ServerResult, author: str) -> bool:
    """The result is about the From domain `author`: DMARC about this From domain, DKIM
    and SPF about a domain aligned with it (DMARC's identifiers, RFC 7489 3.1)."""
    if result.method == "dmarc":
        checked = result.domain("header.from")
        return not checked or checked == author
    if result.method == "dkim":
        return aligned(result.domain("header.d", "header.i"), author)
    if result.method == "spf":
        return aligned(result.domain("smtp.mailfrom"), author)
    return False


def _server_says(results: list[ServerResult], author: str, verdict: str) -> bool:
    return any(r.result == verdict and _vouches(r, author) for r in results)


# --- DKIM and DMARC -------------------------------------------------------------------------


def _dkim_check(raw: bytes, author: str, resolver: DnsTxt) -> str:
    """ "pass", "fail", "none" (no aligned signature) or "temperror" for the DKIM
    signatures of `raw` whose domain is aligned with the From domain `author`."""

    def dnsfunc(name: bytes, timeout: int = DNS_TIMEOUT) -> bytes | None:
        try:
            text = name.decode("ascii").rstrip(".")
        except UnicodeDecodeError:
            return None
        records = resolver(text)
        keys = [record for record in records if b"p=" in record] or records
        return keys[0] if keys else None

    try:
        verifier = dkim.DKIM(raw, minkey=MIN_KEY_BITS, timeout=DNS_TIMEOUT)
    except Exception:  # dkimpy cannot split the headers: nothing it can check
        return "none"
    outcome = "none"
    checked = 0
    signatures = [value for name, value in verifier.headers if name.lower() == b"dkim-signature"]
    for index, value in enumerate(signatures):
        try:
            tags = parse_tag_value(value)
        except InvalidTagValueList:
            continue
        signer = tags.get(b"d", b"").decode("ascii", "replace")
        # l= signs only the first bytes of the body: anything may follow them.
        if not aligned(signer, author) or b"l" in tags:
            continue
        if checked == MAX_SIGNATURES:
            break
        checked += 1
        try:
            if verifier.verify(idx=index, dnsfunc=dnsfunc):
                return "pass"
        except DnsTemporaryError:
            outcome = "temperror" if outcome == "none" else outcome
            continue
        except dkim.DKIMException as error:
            logger.info("DKIM signature of %s refused: %s", signer, error)
        except Exception:  # dkimpy on input it did not expect: not a valid signature
            logger.info("DKIM signature of %s could not be checked", signer, exc_info=True)
        outcome = "fail"
    return outcome


def publishes_dmarc(domain: str, resolver: DnsTxt) -> bool:
    """The domain, or a parent of it, publishes a DMARC policy (RFC 9989 tree walk, not
    asking the top-level domain)."""
    labels = domain.split(".")
    names = [".".join(labels)]
    start = max(1, len(labels) - DMARC_WALK_LABELS + 1)
    names += [".".join(labels[i:]) for i in range(start, len(labels) - 1)]
    for name in dict.fromkeys(names):
        records = resolver("_dmarc." + name)
        if any(record.strip().lower().startswith(b"v=dmarc1") for record in records):
            return True
    return False


@dataclass(frozen=True)
class SenderCheck:
    """The outcome of `sender_verify` (an InboundMail.Verification) and, for the logs,
    what it rests on."""

    verification: str
    detail: str

    @property
    def verified(self) -> bool:
        return self.verification in Verification.verified()


def sender_verify(
    raw: bytes, message: MimeMessage, *, resolver: DnsTxt | None = None
) -> SenderCheck:
    """Is the From address of this email its sender's? See the module's docstring."""
    resolver = resolver or dns_resolver()
    senders = addresses(message, "From")
    if len(senders) != 1:
        return SenderCheck(Verification.SEVERAL_SENDERS, f"{len(senders)} From addresses")
    author = _domain_of(senders[0][1])
    server = trusted_results(message)
    if server and _server_says(server, author, "pass"):
        return SenderCheck(Verification.SERVER, f"{settings.LIST_TRUST_AUTH_RESULTS}: pass")
    signature = _dkim_check(raw, author, resolver)
    if signature == "pass":
        return SenderCheck(Verification.DKIM, f"dkim=pass for {author}")
    if server and _server_says(server, author, "fail"):
        return SenderCheck(Verification.SERVER_FAIL, f"{settings.LIST_TRUST_AUTH_RESULTS}: fail")
    if signature == "fail":
        return SenderCheck(Verification.INVALID, f"dkim=fail for {author}")
    if signature == "temperror":
        return SenderCheck(Verification.DNS_ERROR, f"DKIM key of {author} not found in time")
    if server and any(r.method == "dmarc" and r.result == "none" for r in server):
        return SenderCheck(Verification.UNSIGNED, f"no DMARC policy for {author} (server)")
    try:
        policy = publishes_dmarc(author, resolver)
    except DnsTemporaryError:
        return SenderCheck(Verification.DNS_ERROR, f"DMARC record of {author} not found in time")
    if policy:
        return SenderCheck(Verification.MISSING, f"{author} publishes DMARC, no aligned DKIM")
    return SenderCheck(Verification.UNSIGNED, f"{author}: no DKIM, no DMARC")


def accepts(verification: str, collective: Collective) -> bool:
    """May a member's email with this outcome be posted on the collective's list?"""
    if verification in Verification.verified():
        return True
    if verification != Verification.UNSIGNED:
        return False
    policy = settings.LIST_UNVERIFIED
    if policy == "accept":
        return True
    if policy == "hold":
        return False
    return collective.is_open
