"""Queries a hot path runs with new values, built and compiled once per process.

Django builds a queryset and compiles its SQL again at every evaluation. For a read that
joins several tables and annotates subqueries, that is most of the read's cost: the action
page's read (a role, its action, project, organisation and commune, three subqueries)
took 6–7 ms of Python to build and compile, and 0.4 ms to run, on the 2-core machine of
issue #20. A registration rush runs it twice per person (the page, then the form).

`CompiledQuery(build)` calls `build` once with placeholders for its values, compiles the
SQL once per database, and then, for each call, runs that SQL with the call's values and
makes the rows into models (or values) with Django's own iterable, as the queryset would:
`select_related` objects, annotations, converters and the query log all as usual.

What `build` must do, checked when the query is first compiled (`CompiledQueryError`):
- pass each value to the database as it is, in `field=value` comparisons: a lookup that
  changes it in Python (`__contains` wraps it in `%`) or spreads it (`__in`) is refused;
- prefetch nothing (`prefetch_related` runs other queries after the rows: refused);
- hold nothing else that changes from one call to the next (`timezone.now()`, the signed-in
  person): `build` is called twice with other placeholders, and both must give the same
  SQL with the same other parameters.

A call answers with a list: a queryset cannot be refined further once its SQL is fixed.

On PostgreSQL the statement is also *prepared* on the server (when the database's
`OPTIONS` set psycopg's `prepare_threshold`, as settings.py does unless
TISSAGE_DB_PREPARE=0): the server plans it for its first runs on a connection, then keeps
a generic plan if it costs no more. Only these queries are prepared, chosen for plans that
do not depend on their values (a row by its slug or key); every other query is planned
with its values (docs/decisions.md, "Prepared statements on PostgreSQL").
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

# Values no field of ours holds: one per placeholder, in two sets (see `_compile`).
_STRING = "\x00compiled-{set}-{name}\x00"
_INTEGER_BASE = -(2**62)


class CompiledQueryError(Exception):
    """`build` does not meet the rules of `CompiledQuery` (a programming error)."""


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any]
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    positions: dict[str, tuple[int, ...]]


class CompiledQuery:
    """`build(**values) -> QuerySet`, compiled once per database; `compiled(**values)`
    answers the list the queryset would. `kinds` names each value's type (`str` or
    `int`): the placeholders are of that type, so that fields accept them."""

    def __init__(self, build: Callable[..., QuerySet[Any]], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in (str, int):
                raise CompiledQueryError(f"{name}: only str and int values are supported.")
        self.build = build
        self.kinds = kinds
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def __call__(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[Any]:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"Expected the values {sorted(self.kinds)}, got {sorted(values)}.")
        compiled = self._compiled.get(using)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(using) or self._compile(using)
                self._compiled[using] = compiled
        params = list(compiled.params)
        for name, positions in compiled.positions.items():
            for position in positions:
                params[position] = values[name]
        runner = copy.copy(compiled.compiler)
        # The connection of this thread; the SQL and its parameters of this call.
        runner.connection = _preparing(connections[using])
        fixed = (compiled.sql, tuple(params))
        runner.as_sql = lambda *args, **kwargs: fixed  # type: ignore[method-assign]
        queryset = compiled.queryset.all()
        queryset.query.get_compiler = (  # type: ignore[method-assign]
            lambda *args, **kwargs: runner
        )
        return list(queryset._iterable_class(queryset))  # type: ignore[call-overload]

    def _placeholders(self, which: int) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for number, (name, kind) in enumerate(self.kinds.items()):
            if kind is str:
                values[name] = _STRING.format(set=which, name=name)
            else:
                values[name] = _INTEGER_BASE + which * 1000 + number
        return values

    def _compile(self, using: str) -> _Compiled:
        # Twice, with other placeholders: what differs between the two must be the
        # placeholders, each where the other set has its own.
        first, second = self._placeholders(1), self._placeholders(2)
        compiled = [self._sql(first, using), self._sql(second, using)]
        (queryset, compiler, sql, params), (_q, _c, other_sql, other_params) = compiled
        if sql != other_sql or len(params) != len(other_params):
            raise CompiledQueryError("The query changes from one build to the next.")
        positions: dict[str, list[int]] = {name: [] for name in self.kinds}
        by_value = {value: name for name, value in first.items()}
        for position, (value, other) in enumerate(zip(params, other_params, strict=True)):
            name = by_value.get(value) if _may_be_placeholder(value) else None
            if name is not None and other == second[name]:
                positions[name].append(position)
            elif value != other:
                for changed, placeholder in first.items():
                    if isinstance(value, str) and str(placeholder) in value:
                        raise CompiledQueryError(
                            f"{changed!r} is not in the query's parameters as it was given "
                            "(a lookup such as `__contains` changes it): compare it with "
                            "`field=value` only."
                        )
                raise CompiledQueryError(
                    f"Parameter {position} changes from one build to the next: the query "
                    "holds a value besides its placeholders (a time, a person)."
                )
        for name, found in positions.items():
            if not found:
                raise CompiledQueryError(
                    f"{name!r} is not in the query's parameters as it was given: compare "
                    "it with `field=value` only."
                )
        return _Compiled(
            queryset=queryset,
            compiler=compiler,
            sql=sql,
            params=tuple(params),
            positions={name: tuple(found) for name, found in positions.items()},
        )

    def _sql(
        self, values: dict[str, Any], using: str
    ) -> tuple[QuerySet[Any], SQLCompiler, str, tuple[Any, ...]]:
        queryset = self.build(**values).using(using)
        if queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
            raise CompiledQueryError("A compiled query cannot prefetch.")
        compiler = queryset.query.get_compiler(using=using)
        # Compiling fills the compiler's `select`, `klass_info` and annotation columns,
        # which the iterable reads to make each row a model.
        sql, params = compiler.as_sql()
        return queryset, compiler, sql, tuple(params)


def _preparing(connection: Any) -> Any:
    """The connection as the compiler uses it: on PostgreSQL with prepared statements
    allowed, one whose cursors bind on the server and prepare their statement."""
    if connection.vendor != "postgresql":
        return connection
    if connection.settings_dict["OPTIONS"].get("prepare_threshold") is None:
        return connection
    return _PreparingConnection(connection)


class _PreparingConnection:
    """Django's connection, but for `cursor()`: the compiler runs its statement on a
    cursor that binds the values on the server and prepares it (psycopg keeps it by its
    text on the connection: the first run prepares, the next ones execute)."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def cursor(self) -> Any:
        # As Django's own `cursor()` and `create_cursor()` do, with another class of cursor.
        from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
        from django.db.backends.postgresql.psycopg_any import register_tzloader
        from psycopg.pq import Format

        connection = self._connection
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        with connection.wrap_database_errors:
            cursor = _preparing_cursor_class()(connection.connection)
            loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
            if connection.timezone != loader.timezone:
                register_tzloader(connection.timezone, cursor)
            return connection._prepare_cursor(cursor)


@functools.cache
def _preparing_cursor_class() -> type:
    """A psycopg cursor that binds on the server and prepares every statement it runs
    (imported late: SQLite installations need no PostgreSQL backend)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):  # type: ignore[misc, valid-type]
        def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
            return super().execute(query, params, prepare=True)  # type: ignore[misc]

    return PreparingCursor


def _may_be_placeholder(value: Any) -> bool:
    """Whether the parameter may be a placeholder (a str or an int, not a bool)."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)
