from __future__ import annotations

import pytest
from django.core import signing

from tissage.core.tokens import SignedReference

LINK = SignedReference("tests.link", row_key="r", check_key="e")


def test_a_token_gives_back_its_row_and_check_value():
    assert LINK.read(LINK.make(42, "ana@example.org")) == (42, "ana@example.org")
    assert SignedReference("tests.user", check_key="u").read(
        SignedReference("tests.user", check_key="u").make(7, 12)
    ) == (7, "12")


def test_links_already_sent_keep_working():
    """The keys are those of the tokens in emails sent before this module existed."""
    sent = signing.dumps({"r": 5, "e": "bo@example.org"}, salt="tests.link")
    assert LINK.read(sent) == (5, "bo@example.org")


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        SignedReference("another.use", row_key="r").make(1, "x"),  # another salt
        signing.dumps({"r": "1", "e": "x"}, salt="tests.link"),  # not a row id
        signing.dumps(["r", 1], salt="tests.link"),
    ],
    # Named, not shown: a signed value holds the time, and test ids must be the same in
    # every process (pytest-xdist).
    ids=["nonsense", "another-salt", "not-a-row-id", "not-a-dict"],
)
def test_a_forged_or_foreign_token_is_refused(token):
    with pytest.raises(signing.BadSignature):
        LINK.read(token)


def test_an_old_token_expires_when_a_maximum_age_is_set():
    expiring = SignedReference("tests.expiring", max_age=-1, compress=True)
    with pytest.raises(signing.SignatureExpired):
        expiring.read(expiring.make(3, "x"))
