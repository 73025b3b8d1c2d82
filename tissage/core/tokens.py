"""Signed links in emails for people who need no sign-in: cancel a registration, confirm
an address, answer a moderator, unsubscribe from a list.

Nothing is stored: the signature (Django's SECRET_KEY, a salt per use) proves that the
platform made the link. A token names one row and a second value that must still match
it (the address it was sent to, the account), so a link dies with the row or when the
address changes. Each app declares its links once, e.g.
`CANCEL = SignedReference("tissage.actions.cancel", row_key="r", check_key="e")`; the keys
are those of links already sent, which must keep working.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing


@dataclass(frozen=True)
class SignedReference:
    salt: str
    row_key: str = "pk"
    check_key: str = "e"
    max_age: int | None = None  # seconds; None: until the row or the check value changes
    compress: bool = False

    def make(self, row_id: int, check: str | int) -> str:
        return signing.dumps(
            {self.row_key: row_id, self.check_key: check}, salt=self.salt, compress=self.compress
        )

    def read(self, token: str) -> tuple[int, str]:
        """(row id, check value as text) of a valid token; raises signing.BadSignature
        otherwise (an expired one raises its subclass SignatureExpired)."""
        data = signing.loads(token, salt=self.salt, max_age=self.max_age)
        if not isinstance(data, dict) or not isinstance(data.get(self.row_key), int):
            raise signing.BadSignature("malformed")
        return data[self.row_key], str(data.get(self.check_key, ""))
