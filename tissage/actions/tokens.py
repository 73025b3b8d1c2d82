"""The signed cancel link of registration emails (`core.tokens`): no sign-in needed,
nothing stored. It names the registration and the address it was sent to."""

from __future__ import annotations

from tissage.core.tokens import SignedReference

CANCEL = SignedReference("tissage.actions.cancel", row_key="r", check_key="e")
