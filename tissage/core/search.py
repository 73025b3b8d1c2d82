"""Site search: one function, `search(query, user)`, over every app's part.

Each app declares its kinds of result on its `AppConfig` (`core.registry`): `SearchKind`s,
each naming a model, the rows of it the visitor may see (through the app's own access
rules) and how a row is shown. `search()` first asks, in one query, which kinds' indexes
hold the words at all (`kinds_holding`), then builds and runs the query of those kinds
only: a word found in two kinds costs two ranked queries, not eight.

Matching (`matching()`) hides the database's difference:

- PostgreSQL: full-text search with French stemming and without accents (the text search
  configuration `french_unaccent`, created by core's migration 0006), on a stored
  `tsvector` column of each searched table (`SEARCH_VECTOR`) and a GIN index on it
  (`search_vector_operations`, or `search_index_to_vector_operations` for the tables
  first indexed by an expression), so that ranking reads each match's vector rather
  than recomputing it from the text;
- SQLite: an FTS5 table per searched table (tokenizer `unicode61 remove_diacritics 2`:
  no case, no accents), kept up to date by triggers, so bulk inserts and raw updates are
  indexed too. Words match as prefixes ("eglise" finds "Églises"), standing in for the
  stemming SQLite does not have.

`latest_matching` is the other way to read an index: the newest matching rows, by
primary key, without ranking, for lists sorted by date (the collectives' archive). Its
tables are indexed by `search_vector_operations`: on PostgreSQL a stored `tsvector`
column, so that the planner may also walk the rows newest first and test each one
cheaply when a word is in most of them; on SQLite, whole words in either number rather
than prefixes, so that it may stop at the slice's end.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, migrations, models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

# What a query may hold: a word of one letter finds too much, and a long query is not a
# search (the box takes at most QUERY_MAX characters, the rest is ignored).
WORD_MIN = 2
QUERY_MAX = 200
WORDS_MAX = 8
# Hits shown per kind; one more is fetched to tell whether there are others.
HITS_PER_GROUP = 10
TEXT_SEARCH_CONFIG = "french_unaccent"
# PostgreSQL ranks at most this many matches per kind: ranking recomputes each match's
# vector, and a word found in thousands of rows would be ranked thousands of times.
RANKED_CANDIDATES = 100
# SQLite ranks the best of this many newest matches per kind, visible or not (bm25 for
# each of ten thousand matches was 16 ms of a search page; 1,000 rather than 500 was 3
# ms more for a word in 14,000 items and 825 projects). Still five times the number
# PostgreSQL ranks.
SQLITE_RANKED_MATCHES = 500
# The stored `tsvector` column of every searched table on PostgreSQL (not a field of the
# models: SQLite has no such type, and searches through its FTS5 tables).
SEARCH_VECTOR = "search_vector"
# PostgreSQL tests this many rows of a table for the words before it asks the index
# (`kinds_holding`).
HOLDING_SAMPLE = 200


def search_normalise(text: str) -> str:
    """Lower case without accents."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def number_forms(word: str) -> tuple[str, ...]:
    """A word without accents and its likely other number in French ("jardin" and
    "jardins", "chateaux" and "chateau", "canal" and "canaux"), as PostgreSQL's French
    stemmer finds them, for SQLite, which has none. A form that is no word costs one
    look-up in the index."""
    forms = [word]
    if word[-1] in "sx":
        if len(word) > WORD_MIN:
            forms.append(word[:-1])
    else:
        forms.append(f"{word}x" if word[-1] == "u" else f"{word}s")
    if word.endswith("al"):
        forms.append(f"{word[:-2]}aux")
    if word.endswith("aux") and len(word) > len("aux"):
        forms.append(f"{word[:-3]}al")
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class SearchTerms:
    """The words of a query, lower case, without accents, letters and digits only: safe
    to write into a full-text query of either database."""

    words: tuple[str, ...]
    # Part of the query was left out: beyond QUERY_MAX characters or WORDS_MAX words.
    cut: bool = False

    @classmethod
    def parse(cls, query: str) -> SearchTerms:
        plain = search_normalise(query[:QUERY_MAX])
        words = [word for word in re.findall(r"[^\W_]+", plain) if len(word) >= WORD_MIN]
        unique = tuple(dict.fromkeys(words))
        return cls(words=unique[:WORDS_MAX], cut=len(query) > QUERY_MAX or len(unique) > WORDS_MAX)

    def each(self) -> list[SearchTerms]:
        """One word at a time (a condition per word, e.g. on any message of a thread)."""
        return [SearchTerms(words=(word,)) for word in self.words]

    def fts5(self) -> str:
        """SQLite FTS5: every word, each as a prefix."""
        return " ".join(f'"{word}"*' for word in self.words)

    def fts5_whole(self) -> str:
        """SQLite FTS5: every word whole, or in its other number (`number_forms`).

        FTS5 reads a prefix's matches in full before it gives the first (it merges the
        lists of every word so beginning), where a word's own list is read newest first
        and left at the slice's end: a prefix costs what its matches cost, a word what the
        slice costs."""
        return " AND ".join(
            "(" + " OR ".join(f'"{form}"' for form in number_forms(word)) + ")"
            for word in self.words
        )

    def tsquery(self, *, prefix: bool = True) -> str:
        """PostgreSQL `to_tsquery`: every word, stemmed by the configuration, as a prefix
        (or, with `prefix=False`, as a whole word: PostgreSQL estimates how many rows hold
        a word from its statistics, but gives every prefix the same guess)."""
        return " & ".join(f"{word}:*" if prefix else word for word in self.words)


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    detail: str = ""  # one line under the title: commune, date, collective…


@dataclass(frozen=True)
class SearchGroup:
    """One kind of result, best first."""

    kind: str  # a stable key, e.g. "projects" (tests, CSS, anchors)
    label: str
    hits: list[SearchHit]
    more: bool = False  # there are other hits than those shown


@dataclass(frozen=True)
class SearchKind:
    """One kind of result of an app (declared in its `AppConfig.search`): rows of `model`,
    whose text is indexed by the app's migrations (`search_index_to_vector_operations` or
    `search_vector_operations`), those `visible(user)` for the visitor, each shown by
    `hit`, which reads the fields `shown` (and the relations `related`)."""

    kind: str  # a stable key, e.g. "projects" (tests, CSS, anchors)
    label: Any  # a lazy translation
    model: type[models.Model]
    visible: Callable[[Any], models.QuerySet[Any]]
    hit: Callable[[Any], SearchHit]
    shown: tuple[str, ...]
    related: tuple[str, ...] = ()

    def group(self, terms: SearchTerms, user: Any) -> SearchGroup | None:
        """The best matches the visitor may see, or None."""
        rows = matching(self.visible(user), terms).only(*self.shown)
        if self.related:  # without names, select_related would follow every relation
            rows = rows.select_related(*self.related)
        found = list(rows[: HITS_PER_GROUP + 1])
        if not found:
            return None
        return SearchGroup(
            kind=self.kind,
            label=str(self.label),
            hits=[self.hit(row) for row in found[:HITS_PER_GROUP]],
            more=len(found) > HITS_PER_GROUP,
        )


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: SearchTerms
    groups: list[SearchGroup] = field(default_factory=list)
    problem: str = ""  # why nothing was searched, said to the visitor

    @property
    def count(self) -> int:
        return sum(len(group.hits) for group in self.groups)


def search_index_table(model: type[models.Model]) -> str:
    return f"{model._meta.db_table}_search"


def matching[Model: models.Model](
    queryset: models.QuerySet[Model], terms: SearchTerms
) -> models.QuerySet[Model]:
    """The rows of `queryset` that hold every word in their indexed text, best first. The
    model must be indexed for site search (`search_index_to_vector_operations` or
    `search_vector_operations`)."""
    model = queryset.model
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        vector = TableColumn(SEARCH_VECTOR, output_field=SearchVectorField())
        query = SearchQuery(terms.tsquery(), config=TEXT_SEARCH_CONFIG, search_type="raw")
        # The matches the index gives first, among what the visitor may see, then the
        # best of those: a common word costs as much as a rare one.
        # No order: a model's default one (projects: latest first) would have the planner
        # walk that index and test every row's vector, rather than ask the GIN index.
        candidates = (
            queryset.alias(search_vector=vector)
            .filter(search_vector=query)
            .order_by()
            .values("pk")[:RANKED_CANDIDATES]
        )
        # The candidates are visible: the ranked rows are read by their ids alone, without
        # the visibility rules again (half the planning of the items' query).
        ranked = (
            model._base_manager.filter(pk__in=candidates)
            .annotate(search_rank=SearchRank(vector, query))
            .order_by("-search_rank", "-pk")
        )
        return cast("models.QuerySet[Model]", ranked)
    # The best of the newest matches: the FTS5 table read from the rowid of the N-th
    # newest match on, so that bm25 is computed for at most N rows, not for every row
    # that holds a common word. Written as SQL, not as a queryset: eight kinds' search
    # compiled with a subquery each cost 4 ms more than the query saves on a rare word.
    # The candidates are matches of any state; the visitor's filter applies to them. A
    # rowid range is a constraint FTS5 applies as it walks the matches (an `IN (…)` list
    # was checked against each match, 1.5 ms more for a word in 14,000 items).
    index = connection.ops.quote_name(search_index_table(model))
    newest = (
        f"{index}.rowid >= (SELECT min(rowid) FROM (SELECT rowid FROM {index}"  # noqa: S608
        f" WHERE {index} MATCH %s ORDER BY rowid DESC LIMIT {SQLITE_RANKED_MATCHES}))"
    )
    return queryset.extra(  # noqa: S610 -- table names from models, words as a parameter
        select={"search_rank": f"-bm25({index})"},
        tables=[search_index_table(model)],
        where=[
            f"{index} MATCH %s",
            f"{index}.rowid = {connection.ops.quote_name(table)}.id",
            newest,
        ],
        params=[terms.fts5(), terms.fts5()],
    ).order_by("-search_rank", "-pk")


def kinds_holding(terms: SearchTerms, kinds: Sequence[SearchKind]) -> list[SearchKind]:
    """Of `kinds`, those whose index holds every word in some row, visible or not: one
    query for them all. The others need no query of their own (on PostgreSQL, compiling
    and planning a kind's query with its visibility rules cost 2–3 ms even when nothing
    matched).

    SQLite's FTS5 table stops at its first match. PostgreSQL guesses the same share of
    matches for every prefix, so an `EXISTS` would have it read every row of a
    mid-sized table for a word found nowhere (2.3 ms for 7,000 actions), expecting an
    early match; reading the GIN index instead costs 4 ms for a word in 14,000 items.
    So it first tests the stored vectors of a few rows (a common word is there), and
    only when none holds the words counts the matches, which it does with the index."""
    if not kinds:
        return []
    # Table and column names from the models, the words as parameters.
    parts, params = [], []
    quote = connection.ops.quote_name
    for kind in kinds:
        if connection.vendor == "postgresql":
            table, vector = quote(kind.model._meta.db_table), quote(SEARCH_VECTOR)
            held = f"{vector} @@ to_tsquery('{TEXT_SEARCH_CONFIG}'::regconfig, %s)"
            parts.append(
                f"(EXISTS (SELECT 1 FROM (SELECT {vector} FROM {table}"  # noqa: S608
                f" LIMIT {HOLDING_SAMPLE}) AS sample WHERE {held})"
                f" OR (SELECT count(*) FROM {table} WHERE {held}) > 0)"
            )
            params += [terms.tsquery(), terms.tsquery()]
        else:
            index = quote(search_index_table(kind.model))
            parts.append(f"EXISTS (SELECT 1 FROM {index} WHERE {index} MATCH %s)")  # noqa: S608
            params.append(terms.fts5())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        held = cursor.fetchone()
    return [kind for kind, holds in zip(kinds, held, strict=True) if holds]


class TableColumn(models.Expression):
    """A column of the queryset's own table that the model does not declare (a
    database-generated `tsvector`), named by the table's alias in the query, which
    Django changes inside subqueries."""

    def __init__(self, column: str, output_field: models.Field) -> None:
        super().__init__(output_field=output_field)
        self.column = column
        self.alias = ""

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> TableColumn:
        clone = cast(TableColumn, self.copy())
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> TableColumn:
        clone = cast(TableColumn, self.copy())
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str | int, ...]]:
        table = compiler.quote_name(self.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", ()

    def get_group_by_cols(self) -> list[Any]:
        return [self]


def latest_matching[Model: models.Model](
    queryset: models.QuerySet[Model],
    columns: Sequence[str],
    terms: SearchTerms,
    *,
    vector_column: str = "",
) -> models.QuerySet[Model]:
    """The rows of `queryset` whose `columns` hold every word, newest (highest primary
    key) first, unranked: slice it to bound the work. The model is indexed by
    `search_vector_operations` with the same columns (and `vector_column` on PostgreSQL;
    without it, the expression index of `search_index_operations`).

    SQLite walks the FTS5 table by descending rowid and stops at the slice's end (the
    FTS5 table drives the join; an `id IN (…)` would read every match first); words
    match whole or in their other number (`SearchTerms.fts5_whole`), since FTS5 reads a
    prefix's every match before the first. PostgreSQL chooses, from its statistics of
    the vector's words, between the GIN index (a rare word: every match, then the
    newest) and the rows newest first, each tested on its stored vector until the slice
    is full (a common word); words match whole, stemmed ("jardins" finds "jardin",
    "jardin" does not find "jardinage"), since the planner has no estimate for a prefix."""
    model = queryset.model
    if connection.vendor == "postgresql":
        # Whole words (stemmed), not prefixes: the planner's choice between the two ways
        # rests on its estimate of the matches, which it makes for words only.
        words = terms.tsquery(prefix=False)
        query = SearchQuery(words, config=TEXT_SEARCH_CONFIG, search_type="raw")
        vector: Any = SearchVector(*columns, config=TEXT_SEARCH_CONFIG)
        if vector_column:
            vector = TableColumn(vector_column, output_field=SearchVectorField())
        return cast(
            "models.QuerySet[Model]",
            queryset.alias(search_vector=vector).filter(search_vector=query).order_by("-pk"),
        )
    index = search_index_table(model)
    quoted = connection.ops.quote_name(index)
    # The model's table is named through the ORM (`pk=`), never in the SQL text: inside
    # a subquery Django renames it (U0…). The FTS5 table keeps its name.
    return queryset.extra(  # noqa: S610 -- table names from models, words as a parameter
        tables=[index],
        where=[f"{quoted} MATCH %s"],
        params=[terms.fts5_whole()],
        order_by=[f"-{index}.rowid"],
    ).filter(pk=RawSQL(f"{quoted}.rowid", ()))  # noqa: S611 -- a table name from the model


def stop_words(terms: SearchTerms) -> models.Q | None:
    """For a condition per word (`latest_matching` with one word at a time): a condition
    true when the text search configuration keeps nothing of `terms`, its words being
    all stop words ("le", "des"…), so that the caller can let such a word pass as
    PostgreSQL does within one query. None on SQLite, which has no stop words."""
    if connection.vendor != "postgresql":
        return None
    nothing_kept = RawSQL(
        "numnode(to_tsquery(%s::regconfig, %s)) = 0",
        (TEXT_SEARCH_CONFIG, terms.tsquery(prefix=False)),
        output_field=models.BooleanField(),
    )
    return models.Q(nothing_kept)


def search(query: str, user: Any) -> SearchResults:
    """What the visitor may see that matches the query, grouped by kind (apps' order)."""
    from .registry import search_kinds

    query = query.strip()
    terms = SearchTerms.parse(query)
    if not query:
        return SearchResults(query="", terms=terms)
    if not terms.words:
        return SearchResults(
            query=query[:QUERY_MAX],
            terms=terms,
            problem=_("Type at least one word of two letters or more."),
        )
    kinds = kinds_holding(terms, search_kinds())
    groups = [group for kind in kinds if (group := kind.group(terms, user)) is not None]
    return SearchResults(query=query[:QUERY_MAX], terms=terms, groups=groups)


# --- Migrations -----------------------------------------------------------------------


def search_index_operations(
    app_label: str, model_name: str, columns: Sequence[str]
) -> list[migrations.operations.base.Operation]:
    """Operations of an app's migration that index `columns` of a model: an FTS5 table
    and its triggers on SQLite, a GIN index of the text's vector on PostgreSQL (read by
    `latest_matching` without a vector column; site search's tables were then moved to
    a stored vector by `search_index_to_vector_operations`)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.add_index(model, _expression_index(model, columns))
        elif vendor == "sqlite":
            for statement in _fts5_statements(model, columns):
                schema_editor.execute(statement)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.remove_index(model, _expression_index(model, columns))
        elif vendor == "sqlite":
            _fts5_drop(schema_editor, model)

    return [migrations.RunPython(forwards, backwards, elidable=False)]


def _expression_index(model: type[models.Model], columns: Sequence[str]) -> Any:
    """The GIN index of `search_index_operations` on PostgreSQL: the text's vector, as
    an expression."""
    from django.contrib.postgres.indexes import GinIndex

    return GinIndex(
        SearchVector(*columns, config=TEXT_SEARCH_CONFIG),
        name=f"{model._meta.db_table[:40]}_search",
    )


def _vector_names(
    model: type[models.Model], columns: Sequence[str], vector_column: str
) -> tuple[str, str, str]:
    """The table, the vector's GIN index and the text the vector is computed from."""
    table = model._meta.db_table
    fields = [str(cast(models.Field, model._meta.get_field(column)).column) for column in columns]
    text = " || ' ' || ".join(f"coalesce({_listed([name])}, '')" for name in fields)
    return table, f"{table[:40]}_{vector_column}", text


def _vector_add(
    schema_editor: Any, model: type[models.Model], columns: Sequence[str], vector_column: str
) -> None:
    table, index, text = _vector_names(model, columns, vector_column)
    schema_editor.execute(
        f'ALTER TABLE "{table}" ADD COLUMN "{vector_column}" tsvector GENERATED ALWAYS '
        f"AS (to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, {text})) STORED"
    )
    schema_editor.execute(f'CREATE INDEX "{index}" ON "{table}" USING gin ("{vector_column}")')


def _vector_drop(schema_editor: Any, model: type[models.Model], vector_column: str) -> None:
    table = model._meta.db_table
    schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{vector_column}"')


def _fts5_drop(schema_editor: Any, model: type[models.Model]) -> None:
    index = search_index_table(model)
    for action in ("insert", "delete", "update"):
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{index}_{action}"')
    schema_editor.execute(f'DROP TABLE IF EXISTS "{index}"')


def search_vector_operations(
    app_label: str, model_name: str, columns: Sequence[str], vector_column: str
) -> list[migrations.operations.base.Operation]:
    """Operations of an app's migration that index `columns` of a model for `matching`
    (with `vector_column` = `SEARCH_VECTOR`) or `latest_matching(...,
    vector_column=...)`: on PostgreSQL a stored generated `tsvector` column (outside the
    Django model: SQLite has no such type) and a GIN index on it; on SQLite the same
    FTS5 table and triggers as `search_index_operations`."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _vector_add(schema_editor, model, columns, vector_column)
        elif vendor == "sqlite":
            for statement in _fts5_statements(model, columns):
                schema_editor.execute(statement)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            _vector_drop(schema_editor, model, vector_column)
        elif vendor == "sqlite":
            _fts5_drop(schema_editor, model)

    return [migrations.RunPython(forwards, backwards, elidable=False)]


def search_index_to_vector_operations(
    app_label: str, model_name: str, columns: Sequence[str]
) -> list[migrations.operations.base.Operation]:
    """Operations of an app's migration that move a model indexed by
    `search_index_operations` to the stored vector `matching` reads: on PostgreSQL the
    `SEARCH_VECTOR` column and its GIN index replace the GIN index of the expression; on
    SQLite nothing changes (the FTS5 table stays)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor == "postgresql":
            _vector_add(schema_editor, model, columns, SEARCH_VECTOR)
            schema_editor.remove_index(model, _expression_index(model, columns))

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.add_index(model, _expression_index(model, columns))
            _vector_drop(schema_editor, model, SEARCH_VECTOR)

    return [migrations.RunPython(forwards, backwards, elidable=False)]


def _fts5_statements(model: type[models.Model], columns: Sequence[str]) -> list[str]:
    names = [str(cast(models.Field, model._meta.get_field(column)).column) for column in columns]
    index = search_index_table(model)
    return [
        f'CREATE VIRTUAL TABLE "{index}" USING fts5({_listed(names)}, '
        f'content="{model._meta.db_table}", content_rowid="id", '
        "tokenize='unicode61 remove_diacritics 2')",
        *_fts5_triggers(model._meta.db_table, index, names),
        f'INSERT INTO "{index}"("{index}") VALUES (\'rebuild\')',  # noqa: S608
    ]


def _listed(names: Sequence[str], prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{name}"' for name in names)


def _fts5_triggers(table: str, index: str, names: Sequence[str]) -> list[str]:
    # Names of tables and columns from the models, never from a visitor.
    listed, new, old = _listed(names), _listed(names, "new."), _listed(names, "old.")
    into = f'INSERT INTO "{index}"'
    remove = f"{into}(\"{index}\", rowid, {listed}) VALUES ('delete', old.id, {old});"
    add = f"{into}(rowid, {listed}) VALUES (new.id, {new});"
    create = "CREATE TRIGGER IF NOT EXISTS"
    return [
        f'{create} "{index}_insert" AFTER INSERT ON "{table}" BEGIN {add} END',
        f'{create} "{index}_delete" AFTER DELETE ON "{table}" BEGIN {remove} END',
        f'{create} "{index}_update" AFTER UPDATE ON "{table}" BEGIN {remove} {add} END',
    ]


_FTS5_DECLARATION = re.compile(r"fts5\((?P<columns>.*?), content=\"(?P<table>\w+)\"")


def search_triggers_restore(using: str = "default", **kwargs: Any) -> None:
    """Put back the triggers of SQLite's search indexes (after `migrate`): a migration
    that alters a table on SQLite rebuilds it, dropping its triggers with it."""
    from django.db import connections

    database = connections[using]
    if database.vendor != "sqlite":
        return
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_search' "
            "ESCAPE '\\' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
        )
        for index, declaration in cursor.fetchall():
            found = _FTS5_DECLARATION.search(declaration)
            if found is None:
                continue
            names = re.findall(r'"([^"]+)"', found["columns"])
            for statement in _fts5_triggers(found["table"], index, names):
                cursor.execute(statement)
