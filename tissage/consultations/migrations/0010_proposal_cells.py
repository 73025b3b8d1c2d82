"""The participatory map's cells, kept by the database (issue #20): for each level from
2 to 14, how many published proposals with a point lie in each cell of a consultation,
and the sums of their coordinates. The map reads at most 33 × 33 cells a view, whatever
the number of remarks, where it grouped every remark in view on the fly.

The triggers are those of the inventories' cells (inventories 0014) without the filters'
keys: per row on SQLite, per statement over transition tables on PostgreSQL (a bulk
insert is one grouped upsert), writers of one consultation's cells one at a time
(an advisory lock). Frozen here on purpose: changing the levels or the formula means a
new migration (a test compares these with the database's and with
`consultations.map.cells`).
"""

import django.db.models.deletion
from django.db import migrations, models

ROWS = "consultations_proposal"
CELLS = "consultations_proposalcell"
PUBLISHED = "published"
LEVELS = range(2, 15)  # inventories/map/cells.py: MIN_LEVEL .. MAX_LEVEL
LOCK_CLASS = 740302  # consultations/map/cells.py: LOCK_CLASS
EVENTS = ("insert", "update", "delete")
COLUMNS = "consultation_id, level, cx, cy, count, sum_lon, sum_lat"
KEY = "consultation_id, level, cx, cy"
# Counted: published, with a point (both coordinates or neither: `proposal_point_whole`).
COUNTED = "{r}.status = '" + PUBLISHED + "' AND {r}.longitude IS NOT NULL"
CONFLICT = (
    f"ON CONFLICT ({KEY}) DO UPDATE SET "
    "count = {t}count + excluded.count, "
    "sum_lon = {t}sum_lon + excluded.sum_lon, "
    "sum_lat = {t}sum_lat + excluded.sum_lat"
)
CHANGED = (
    "(({counted_old}) OR ({counted_new})) AND ("
    "{o}.status IS DISTINCT FROM {n}.status"
    " OR {o}.longitude IS DISTINCT FROM {n}.longitude"
    " OR {o}.latitude IS DISTINCT FROM {n}.latitude"
    " OR {o}.consultation_id IS DISTINCT FROM {n}.consultation_id)"
)


def _changed(old, new):
    return CHANGED.format(
        counted_old=COUNTED.format(r=old), counted_new=COUNTED.format(r=new), o=old, n=new
    )


def _size(level):
    return repr(360.0 / 2**level)  # exact: 360 over a power of two


def _index(vendor, value):
    # floor() of a positive number; SQLite's cast truncates, the same for positives.
    if vendor == "sqlite":
        return f"CAST({value} AS INTEGER)"
    return f"CAST(FLOOR({value}) AS integer)"


def _levels(vendor):
    kind = "REAL" if vendor == "sqlite" else "double precision"
    return " UNION ALL ".join(
        f"SELECT {level} AS level, CAST({_size(level)} AS {kind}) AS size" for level in LEVELS
    )


def _deltas(vendor, rows):
    """Per cell of every level: the rows' count and sums."""
    cx = _index(vendor, "(r.longitude + 180.0) / l.size")
    cy = _index(vendor, "(r.latitude + 90.0) / l.size")
    return (
        f"SELECT r.consultation_id, l.level, {cx}, {cy}, "
        f"COUNT(*), SUM(r.longitude), SUM(r.latitude) "
        f"FROM {rows} AS r CROSS JOIN ({_levels(vendor)}) AS l "
        f"WHERE {COUNTED.format(r='r')} GROUP BY 1, 2, 3, 4"
    )


def _fill(vendor):
    """The cells of the proposals already there."""
    return [f"INSERT INTO {CELLS} ({COLUMNS}) {_deltas(vendor, ROWS)}"]


# --- SQLite: one trigger per event, run for each row. -------------------------------


def _sqlite_add(row):
    cx = _index("sqlite", f"({row}.longitude + 180.0) / l.size")
    cy = _index("sqlite", f"({row}.latitude + 90.0) / l.size")
    return (
        f"INSERT INTO {CELLS} ({COLUMNS}) "
        f"SELECT {row}.consultation_id, l.level, {cx}, {cy}, 1, {row}.longitude, {row}.latitude "
        f"FROM ({_levels('sqlite')}) AS l "
        # WHERE is needed before ON CONFLICT in INSERT … SELECT (SQLite's parser).
        f"WHERE {COUNTED.format(r=row)} {CONFLICT.format(t='')};"
    )


def _sqlite_remove(row):
    # One statement per level, so that each walks the unique index to its cell.
    statements = []
    for level in LEVELS:
        size = _size(level)
        cx = _index("sqlite", f"({row}.longitude + 180.0) / {size}")
        cy = _index("sqlite", f"({row}.latitude + 90.0) / {size}")
        statements.append(
            f"UPDATE {CELLS} SET count = count - 1, "
            f"sum_lon = sum_lon - {row}.longitude, sum_lat = sum_lat - {row}.latitude "
            f"WHERE {COUNTED.format(r=row)} AND consultation_id = {row}.consultation_id "
            f"AND level = {level} AND cx = {cx} AND cy = {cy};"
        )
    return "\n".join(statements)


SQLITE_CREATE = [
    f"CREATE TRIGGER consultations_proposalcells_insert AFTER INSERT ON {ROWS} FOR EACH ROW "
    f"WHEN {COUNTED.format(r='NEW')} BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER consultations_proposalcells_update AFTER UPDATE ON {ROWS} FOR EACH ROW "
    f"WHEN {_changed('OLD', 'NEW').replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER consultations_proposalcells_delete AFTER DELETE ON {ROWS} FOR EACH ROW "
    f"WHEN {COUNTED.format(r='OLD')} BEGIN {_sqlite_remove('OLD')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS consultations_proposalcells_{event}" for event in EVENTS]


# --- PostgreSQL: one trigger per statement, over its transition tables. ------------


def _pg_lock(*tables):
    # Writers of one consultation's cells go one at a time: two transactions updating
    # shared cells in different orders would otherwise deadlock.
    consultations = " UNION ".join(
        f"SELECT consultation_id FROM {table} AS r WHERE {COUNTED.format(r='r')}"
        for table in tables
    )
    return (
        f"FOR consultation IN SELECT DISTINCT consultation_id FROM ({consultations}) AS c "
        f"ORDER BY 1 LOOP "
        f"PERFORM pg_advisory_xact_lock({LOCK_CLASS}, CAST(consultation AS integer)); END LOOP;"
    )


def _pg_add(rows):
    return (
        f"INSERT INTO {CELLS} AS cell ({COLUMNS}) "
        f"SELECT * FROM ({_deltas('postgresql', rows)}) AS d ORDER BY 1, 2, 3, 4 "
        f"{CONFLICT.format(t='cell.')};"
    )


def _pg_remove(rows):
    return (
        f"UPDATE {CELLS} AS cell SET count = cell.count - d.n, "
        f"sum_lon = cell.sum_lon - d.slon, sum_lat = cell.sum_lat - d.slat "
        f"FROM ({_deltas('postgresql', rows)}) "
        f"AS d (consultation_id, level, cx, cy, n, slon, slat) "
        f"WHERE cell.consultation_id = d.consultation_id AND cell.level = d.level "
        f"AND cell.cx = d.cx AND cell.cy = d.cy;"
    )


def _pg_body(body):
    return f" DECLARE consultation bigint; BEGIN {body} RETURN NULL; END "


_PG_CHANGED = _changed("o", "n")
_PG_OLD_CHANGED = f"(SELECT o.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_PG_CHANGED})"
_PG_NEW_CHANGED = f"(SELECT n.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE {_PG_CHANGED})"
# The bodies of the trigger functions, by event (a test compares them with the database's).
POSTGRES_BODIES = {
    "insert": _pg_body(_pg_lock("new_rows") + _pg_add("new_rows")),
    "update": _pg_body(
        _pg_lock(_PG_OLD_CHANGED, _PG_NEW_CHANGED)
        + _pg_remove(_PG_OLD_CHANGED)
        + _pg_add(_PG_NEW_CHANGED)
    ),
    "delete": _pg_body(_pg_lock("old_rows") + _pg_remove("old_rows")),
}
_PG_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}
POSTGRES_CREATE = [
    *(
        f"CREATE OR REPLACE FUNCTION consultations_proposalcells_{event}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $body${POSTGRES_BODIES[event]}$body$"
        for event in EVENTS
    ),
    *(
        f"CREATE TRIGGER consultations_proposalcells_{event} AFTER {event.upper()} ON {ROWS} "
        f"REFERENCING {_PG_TABLES[event]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION consultations_proposalcells_{event}()"
        for event in EVENTS
    ),
]
POSTGRES_DROP = [
    *(
        f"DROP TRIGGER IF EXISTS consultations_proposalcells_{event} ON {ROWS}"
        for event in EVENTS
    ),
    *(f"DROP FUNCTION IF EXISTS consultations_proposalcells_{event}()" for event in EVENTS),
]


def _vendor(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"No map cell triggers for {vendor}: SQLite or PostgreSQL.")
    return vendor


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    vendor = _vendor(schema_editor)
    create = SQLITE_CREATE if vendor == "sqlite" else POSTGRES_CREATE
    _execute(schema_editor, _fill(vendor) + create)


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, SQLITE_DROP if _vendor(schema_editor) == "sqlite" else POSTGRES_DROP)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0009_proposal_words")]

    operations = [
        migrations.CreateModel(
            name="ProposalCell",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("level", models.PositiveSmallIntegerField()),
                ("cx", models.IntegerField()),
                ("cy", models.IntegerField()),
                ("count", models.IntegerField(default=0)),
                ("sum_lon", models.FloatField(default=0)),
                ("sum_lat", models.FloatField(default=0)),
                (
                    "consultation",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="consultations.consultation",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("consultation", "level", "cx", "cy"), name="one_proposal_cell"
                    )
                ],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
