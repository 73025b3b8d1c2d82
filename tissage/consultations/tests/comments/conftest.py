from __future__ import annotations

from collections.abc import Iterator

import pytest

from tissage.consultations.tests.proposal_pages import proposal_pages


@pytest.fixture(autouse=True)
def _proposal_pages() -> Iterator[None]:
    """The proposal page and form, standing in until the proposals part is merged."""
    with proposal_pages():
        yield
