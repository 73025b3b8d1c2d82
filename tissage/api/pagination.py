"""Cursor pagination: keyset on a stable order, with an opaque cursor.

A page is read with `WHERE (key) > (last key seen) ORDER BY key LIMIT n + 1`: each page
costs the same whatever its depth, and a row added or removed between two requests never
makes the next page repeat or skip another (an OFFSET would). The cursor is the last
row's key, in JSON, in URL-safe base64: opaque to clients, who only hand it back, but not
a secret (it names a position, never a right: the filters and the visibility rules are
applied again on every page).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from tissage.actions.form_fields import FIRST_YEAR, LAST_YEAR

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Beyond, a database integer overflows (SQLite raises rather than answering nothing).
MAX_ID = 2**63 - 1


class CursorInvalid(ValueError):
    """A cursor this API did not give (cut, altered, or from another list)."""


def _id_read(value: Any) -> int:
    if type(value) is not int or not 0 <= value <= MAX_ID:
        raise CursorInvalid
    return value


def _moment_read(value: Any) -> datetime.datetime:
    if not isinstance(value, str):
        raise CursorInvalid
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise CursorInvalid from None
    if timezone.is_naive(moment) or not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise CursorInvalid
    return moment


def _moment_write(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat()


@dataclass(frozen=True)
class Key:
    """One field of a keyset: its name, and how its value goes into a cursor and back."""

    field: str
    write: Callable[[Any], Any]
    read: Callable[[Any], Any]


ID = Key("pk", lambda value: value, _id_read)


def moment(field: str) -> Key:
    return Key(field, _moment_write, _moment_read)


@dataclass(frozen=True)
class Keyset:
    """A stable ascending order, its last key unique (the primary key)."""

    keys: tuple[Key, ...]

    def cursor(self, row: Any) -> str:
        """The cursor after `row`: a model instance, or a named row of `values_list`."""
        values = [key.write(getattr(row, key.field)) for key in self.keys]
        text = json.dumps(values, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    def position(self, cursor: str) -> tuple[Any, ...]:
        """The key a cursor holds; `CursorInvalid` for anything this API did not write."""
        try:
            padded = cursor + "=" * (-len(cursor) % 4)
            values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        except (ValueError, UnicodeError, binascii.Error):
            raise CursorInvalid from None
        if not isinstance(values, list) or len(values) != len(self.keys):
            raise CursorInvalid
        return tuple(key.read(value) for key, value in zip(self.keys, values, strict=True))

    def after(self, position: Sequence[Any]) -> Q:
        """Rows strictly after the position: (a > x) or (a = x and b > y)…"""
        condition = Q()
        equal: dict[str, Any] = {}
        for key, value in zip(self.keys, position, strict=True):
            condition |= Q(**equal, **{f"{key.field}__gt": value})
            equal[key.field] = value
        return condition

    @property
    def order(self) -> list[str]:
        return [key.field for key in self.keys]


@dataclass(frozen=True)
class Page[Row]:
    rows: list[Row]
    next_cursor: str | None


def page_read[Row](
    queryset: QuerySet[Any, Row], keyset: Keyset, cursor: str | None, limit: int
) -> Page[Row]:
    """One page of `queryset` in the keyset's order, from after the cursor: one query
    (limit + 1 rows, the extra one only says whether there is a next page)."""
    rows = queryset.order_by(*keyset.order)
    if cursor:
        rows = rows.filter(keyset.after(keyset.position(cursor)))
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return Page(found, None)
    return Page(found[:limit], keyset.cursor(found[limit - 1]))
