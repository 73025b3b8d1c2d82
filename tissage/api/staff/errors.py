"""The answers every staff endpoint may give besides its own, declared in the schema so
that clients and schemathesis know them. The shape and the handlers are `api/errors.py`'s."""

from __future__ import annotations

from ninja import Schema

from ..errors import ErrorOut

REFUSALS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
}
WRITE_REFUSALS: dict[int, type[Schema]] = {**REFUSALS, 429: ErrorOut}
