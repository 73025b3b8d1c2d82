"""The signed link of a guest's answer (`core.tokens`): it names the response and the
address it was sent to; nothing is stored."""

from __future__ import annotations

from tissage.core.tokens import SignedReference

# Past a week, an unconfirmed answer never counts.
CONFIRM_MAX_AGE = 7 * 24 * 3600

RESPONSE_CONFIRM = SignedReference(
    "tissage.consultations.questionnaire-confirm",
    row_key="r",
    check_key="e",
    max_age=CONFIRM_MAX_AGE,
    compress=True,
)
