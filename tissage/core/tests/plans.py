"""The database's own plan for a query, to check which index it walks (SQLite's
`EXPLAIN QUERY PLAN`, PostgreSQL's `EXPLAIN`): one line per step."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


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


def page_reads(client: Any, url: str, *needles: str, data: Any = None) -> tuple[Any, list[str]]:
    """GET `url` (a 200 expected) and return its response with the SQL of the queries it
    sent that hold every one of `needles` (a table as `'FROM "<table>"'`, an order…), as
    the database received them: what `query_plan` reads."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    assert response.status_code == 200, (url, response.status_code)
    reads = [
        query["sql"]
        for query in captured.captured_queries
        if all(needle in query["sql"] for needle in needles)
    ]
    return response, reads
