"""The database's own plan for a query, to check which index it walks (SQLite's
`EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`): one line per step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def query_plan(sql: str, params: Sequence[Any] = ()) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def sorts_everything(plan: str) -> bool:
    """Whether the database sorts the rows itself rather than walking an index."""
    return ("TEMP B-TREE" if connection.vendor == "sqlite" else "Sort") in plan
