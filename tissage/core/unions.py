"""Several small reads in one query: `UNION ALL` of querysets each sliced and ordered.

A page that reads "the latest few of each" (a question's published texts, the proposals
under each word of a title) would otherwise send one query per part. On PostgreSQL each
query is a round trip, parsed and planned by the server: on the 2-core machines of issue
#20, about half a millisecond each, whatever it reads. `union_all` sends them as one.

Django's own `union()` refuses a part with a slice or an order on SQLite, which accepts
them inside a subquery: here each part is written as one (`SELECT * FROM (…)`), its SQL
compiled by Django and its values passed as parameters. Each part keeps the plan it
would have alone (its own index walk, stopped at its slice).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def union_all(parts: Sequence[QuerySet[Any]]) -> list[tuple[Any, ...]]:
    """The rows of every part, part after part, each in its own order: one query (none
    if no part can match anything).

    Each part is a `values_list()` queryset of the same number of columns, all on one
    database. The rows are tuples as the database gives them, without the fields'
    converters (a `JSONField` comes back as text on SQLite): read numbers and text.

    Each part's order holds because both databases run the parts of a `UNION ALL` one
    after the other, each as its subquery's plan gives it; SQL itself does not promise
    it, and a part large enough for a parallel plan on PostgreSQL might not keep it.
    Keep the parts small (sliced, or a handful of rows), as the reads that use this are;
    the tests check the order on both databases."""
    if not parts:
        return []
    using = parts[0].db
    sql_parts, params = [], []
    for number, part in enumerate(parts):
        if part.db != using:
            raise ValueError("union_all: every part must read the same database")
        try:
            sql, part_params = part.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a part that can match nothing (`none()`, `__in=[]`)
            continue
        sql_parts.append(f"SELECT * FROM ({sql}) AS part_{number}")  # noqa: S608
        params.extend(part_params)
    if not sql_parts:
        return []
    with connections[using].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(sql_parts), params)
        return cursor.fetchall()
