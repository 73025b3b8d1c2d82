"""Signed links in emails for people without an account (`core.tokens`): confirm an
email address, answer a moderator's question. Each names the item and the contributor's
address; nothing is stored, the signature is the proof."""

from __future__ import annotations

from tissage.core.tokens import SignedReference

# Past its confirmation link's life, a guest's unconfirmed contribution is purged.
CONFIRM_MAX_AGE = 7 * 24 * 3600

GUEST_CONFIRM = SignedReference(
    "tissage.inventories.guest-confirm",
    row_key="i",
    check_key="e",
    max_age=CONFIRM_MAX_AGE,
    compress=True,
)
GUEST_ANSWER = SignedReference(
    "tissage.inventories.guest-answer",
    row_key="i",
    check_key="e",
    max_age=30 * 24 * 3600,
    compress=True,
)
