"""Signed links for guests (`core.tokens`): confirm the address given with a proposal or a
support. Each names the row and the address it was sent to; nothing is stored."""

from __future__ import annotations

from tissage.core.tokens import SignedReference

# Past its link's life, a guest's unconfirmed proposal or support is purged.
CONFIRM_MAX_AGE = 7 * 24 * 3600

PROPOSAL_CONFIRM = SignedReference(
    "tissage.consultations.proposal-confirm",
    row_key="p",
    check_key="e",
    max_age=CONFIRM_MAX_AGE,
    compress=True,
)
SUPPORT_CONFIRM = SignedReference(
    "tissage.consultations.support-confirm",
    row_key="s",
    check_key="e",
    max_age=CONFIRM_MAX_AGE,
    compress=True,
)
