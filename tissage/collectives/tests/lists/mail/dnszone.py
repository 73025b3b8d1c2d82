"""DNS and DKIM for the sender-check tests, without the network: an in-memory zone that
answers the check's TXT queries (`settings.LIST_DNS_RESOLVER`), and RSA keys made in
the test that sign real messages with dkimpy."""

from __future__ import annotations

import base64
from functools import cache

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tissage.collectives.lists.mail.authentication import DnsTemporaryError


class Zone:
    """TXT records by name; a name in `unreachable` times out."""

    def __init__(self) -> None:
        self.records: dict[str, list[bytes]] = {}
        self.unreachable: set[str] = set()
        self.queries: list[str] = []

    def __call__(self, name: str) -> list[bytes]:
        name = name.lower().rstrip(".")
        self.queries.append(name)
        if name in self.unreachable:
            raise DnsTemporaryError(f"{name}: timeout")
        return self.records.get(name, [])

    def dmarc(self, domain: str, policy: str = "reject") -> None:
        self.records[f"_dmarc.{domain}"] = [f"v=DMARC1; p={policy}".encode()]

    def dkim_key(self, key: DkimKey) -> None:
        self.records[f"{key.selector}._domainkey.{key.domain}"] = [key.txt_record]


@cache
def _rsa_key() -> rsa.RSAPrivateKey:
    # One key for the whole run: making one takes a noticeable moment.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class DkimKey:
    """A domain's DKIM key: signs messages; its public half goes into a Zone."""

    def __init__(self, domain: str, selector: str = "s2026") -> None:
        self.domain = domain
        self.selector = selector
        key = _rsa_key()
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        public_der = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.txt_record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public_der)

    def sign(self, raw: bytes, **options: object) -> bytes:
        """The message with its DKIM-Signature header on top, as the sender's server
        sends it."""
        linesep = b"\r\n" if b"\r\n" in raw[:2000] else b"\n"
        signature = dkim.sign(
            raw,
            self.selector.encode(),
            self.domain.encode(),
            self.private_pem,
            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"],
            linesep=linesep,
            **options,
        )
        return signature + raw
