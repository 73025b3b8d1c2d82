"""Indexes written once for SQLite and PostgreSQL when an ordering says where NULLs go.

An order such as `F("validated_at").desc(nulls_last=True)` (items published without a
date last) is served by an index only if the index stores the same order. PostgreSQL
needs the index to say `DESC NULLS LAST` (its own `DESC` puts NULLs first); SQLite
refuses `NULLS FIRST`/`NULLS LAST` in `CREATE INDEX` ("unsupported use of NULLS LAST"),
and its `DESC` already puts NULLs last (NULL is its smallest value): a plain `DESC`
index serves the order there (`EXPLAIN QUERY PLAN`: no temporary B-tree).

`Unindexed` is the opposite: a column whose index SQLite's planner must not walk.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement
from django.db.models import Func
from django.db.models.expressions import OrderBy


def _as_sqlite_stores_it(expression: Any) -> Any:
    """The same order without its NULLs modifier when SQLite's own order is that one
    (ascending: NULLs first; descending: NULLs last); any other combination could not be
    served on SQLite, so it is refused rather than silently changed."""
    if not isinstance(expression, OrderBy) or not (expression.nulls_first or expression.nulls_last):
        return expression
    if bool(expression.nulls_last) != expression.descending:
        raise ValueError(
            "SQLite cannot store this order of NULLs in an index: "
            "use ascending with nulls_first or descending with nulls_last."
        )
    return OrderBy(expression.expression, descending=expression.descending)


class NullsOrderIndex(models.Index):
    """`models.Index` on expressions whose orders say where NULLs go: as written on
    PostgreSQL, without the NULLs modifier on SQLite (same order there)."""

    def create_sql(
        self, model: Any, schema_editor: BaseDatabaseSchemaEditor, using: str = "", **kwargs: Any
    ) -> Statement:
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        portable = self.clone()
        portable.expressions = tuple(_as_sqlite_stores_it(e) for e in self.expressions)
        return models.Index.create_sql(portable, model, schema_editor, using=using, **kwargs)


class Unindexed(Func):
    """A column that SQLite's planner may not walk an index on: `+column`, SQLite's own
    idiom for it (sqlite.org/optoverview.html, "Disqualifying WHERE clause terms").

    Elsewhere, the column itself: PostgreSQL keeps statistics on value ranges and chooses
    well on its own, where `column + 0` would hide them (measured: it then reads the whole
    table and sorts it).
    """

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s")


def statistics_refresh() -> bool:
    """Refresh SQLite's statistics on its tables and indexes (`ANALYZE`); nothing on
    PostgreSQL, whose autovacuum keeps them. Returns whether it ran.

    Without statistics SQLite's planner guesses how many rows an index leads to, and an
    installation never had any: only `tissage generate` ran ANALYZE. Indexes chosen for
    the pages and lists (checked with the database's plan in tests that run ANALYZE)
    were then not always the ones taken. `tissage purge`, run daily, calls this. A full
    ANALYZE reads every index once: 0.3 s on the API bench's database of 100,000
    items and 480,000 map cells (138 MB), measured 2026-12-06."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
