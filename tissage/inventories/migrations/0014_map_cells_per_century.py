"""The map's cells kept per century too, so that the period filter reads them.

A third key, `century` (0 = any century, as for the category and the commune): each
published item now counts in the cells of every combination of its category, its
commune and its century with "any" — 8 groups per level (4 when it has no commune or
no known century, 2 when neither). The triggers of migration 0003 are dropped, the
cells of the dated items filled, and the triggers created again with the century in
their groups and in what counts as a change. Frozen here on purpose, like 0003:
changing the levels, the groups or the formula means a new migration.
"""

from importlib import import_module

from django.db import migrations, models

ITEMS = "inventories_contribution"
CELLS = "inventories_mapcell"
PUBLISHED = "validated"
LEVELS = range(2, 15)  # map/cells.py: MIN_LEVEL .. MAX_LEVEL
LOCK_CLASS = 740301  # map/cells.py: LOCK_CLASS
EVENTS = ("insert", "update", "delete")
COLUMNS = "campaign_id, category, commune, century, level, cx, cy, count, sum_lon, sum_lat"
KEY = "campaign_id, category, commune, century, level, cx, cy"
CONFLICT = (
    f"ON CONFLICT ({KEY}) DO UPDATE SET "
    "count = {t}count + excluded.count, "
    "sum_lon = {t}sum_lon + excluded.sum_lon, "
    "sum_lat = {t}sum_lat + excluded.sum_lat"
)
CHANGED = (
    "({o}.status = '{p}' OR {n}.status = '{p}') AND ("
    "{o}.status IS DISTINCT FROM {n}.status"
    " OR {o}.public_longitude IS DISTINCT FROM {n}.public_longitude"
    " OR {o}.public_latitude IS DISTINCT FROM {n}.public_latitude"
    " OR {o}.campaign_id IS DISTINCT FROM {n}.campaign_id"
    " OR {o}.category_id IS DISTINCT FROM {n}.category_id"
    " OR {o}.commune_id IS DISTINCT FROM {n}.commune_id"
    " OR {o}.century IS DISTINCT FROM {n}.century)"
)


def _groups(row):
    """(category, commune, century, condition) of the cells an item counts in: each of
    its category, commune and century, or any (0); a commune or a century only when
    the item has one (a century is 1 to 21: 0 would be "any")."""
    has_commune = f"{row}.commune_id IS NOT NULL"
    has_century = f"{row}.century > 0"
    groups = []
    for century, century_condition in (("0", None), (f"{row}.century", has_century)):
        for commune, commune_condition in (("0", None), (f"{row}.commune_id", has_commune)):
            for category in ("0", f"{row}.category_id"):
                conditions = [c for c in (commune_condition, century_condition) if c]
                groups.append((category, commune, century, " AND ".join(conditions) or None))
    return groups


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


def _fill(vendor):
    """The cells of the dated items already there, per century: the cells of any
    century are those of migration 0003, which the triggers kept."""
    cx = _index(vendor, "(r.public_longitude + 180.0) / l.size")
    cy = _index(vendor, "(r.public_latitude + 90.0) / l.size")
    statements = []
    for category, commune, century, condition in _groups("r"):
        if century == "0":
            continue
        statements.append(
            f"INSERT INTO {CELLS} ({COLUMNS}) "
            f"SELECT r.campaign_id, {category}, {commune}, {century}, l.level, {cx}, {cy}, "
            f"COUNT(*), SUM(r.public_longitude), SUM(r.public_latitude) "
            f"FROM {ITEMS} AS r, ({_levels(vendor)}) AS l "
            f"WHERE r.status = '{PUBLISHED}' AND {condition} GROUP BY 1, 2, 3, 4, 5, 6, 7"
        )
    return statements


# --- SQLite: one trigger per event, run for each row. -------------------------------


def _sqlite_add(row):
    cx = _index("sqlite", f"({row}.public_longitude + 180.0) / l.size")
    cy = _index("sqlite", f"({row}.public_latitude + 90.0) / l.size")
    groups = " UNION ALL ".join(
        f"SELECT {category} AS category, {commune} AS commune, {century} AS century"
        + (f" WHERE {condition}" if condition else "")
        for category, commune, century, condition in _groups(row)
    )
    return (
        f"INSERT INTO {CELLS} ({COLUMNS}) "
        f"SELECT {row}.campaign_id, k.category, k.commune, k.century, l.level, {cx}, {cy}, 1, "
        f"{row}.public_longitude, {row}.public_latitude "
        f"FROM ({_levels('sqlite')}) AS l, ({groups}) AS k "
        # WHERE is needed before ON CONFLICT in INSERT … SELECT (SQLite's parser).
        f"WHERE {row}.status = '{PUBLISHED}' {CONFLICT.format(t='')};"
    )


def _sqlite_remove(row):
    # One statement per level, so that each walks the unique index to its cells.
    # `x IN (0, NULL)` is true for 0 only: an item without a commune or a century.
    statements = []
    for level in LEVELS:
        size = _size(level)
        cx = _index("sqlite", f"({row}.public_longitude + 180.0) / {size}")
        cy = _index("sqlite", f"({row}.public_latitude + 90.0) / {size}")
        statements.append(
            f"UPDATE {CELLS} SET count = count - 1, "
            f"sum_lon = sum_lon - {row}.public_longitude, "
            f"sum_lat = sum_lat - {row}.public_latitude "
            f"WHERE {row}.status = '{PUBLISHED}' AND campaign_id = {row}.campaign_id "
            f"AND category IN (0, {row}.category_id) AND commune IN (0, {row}.commune_id) "
            f"AND century IN (0, {row}.century) "
            f"AND level = {level} AND cx = {cx} AND cy = {cy};"
        )
    return "\n".join(statements)


SQLITE_CREATE = [
    f"CREATE TRIGGER inventories_mapcells_insert AFTER INSERT ON {ITEMS} FOR EACH ROW "
    f"WHEN NEW.status = '{PUBLISHED}' BEGIN {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER inventories_mapcells_update AFTER UPDATE ON {ITEMS} FOR EACH ROW "
    f"WHEN {CHANGED.format(o='OLD', n='NEW', p=PUBLISHED).replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_sqlite_remove('OLD')} {_sqlite_add('NEW')} END",
    f"CREATE TRIGGER inventories_mapcells_delete AFTER DELETE ON {ITEMS} FOR EACH ROW "
    f"WHEN OLD.status = '{PUBLISHED}' BEGIN {_sqlite_remove('OLD')} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS inventories_mapcells_{event}" for event in EVENTS]


# --- PostgreSQL: one trigger per statement, over its transition tables, so that a
# bulk insert or update costs one grouped upsert rather than one per row. ----------


def _pg_deltas(rows):
    cx = _index("postgresql", "(r.public_longitude + 180.0) / l.size")
    cy = _index("postgresql", "(r.public_latitude + 90.0) / l.size")
    # A missing commune or century makes the group's key NULL: the group is left out.
    groups = ", ".join(
        f"({category}, {commune}, {century.replace('r.century', 'NULLIF(r.century, 0)')})"
        for category, commune, century, _ in _groups("r")
    )
    return (
        f"SELECT r.campaign_id, k.category, k.commune, k.century, l.level, {cx}, {cy}, "
        f"COUNT(*), SUM(r.public_longitude), SUM(r.public_latitude) "
        f"FROM {rows} AS r CROSS JOIN ({_levels('postgresql')}) AS l "
        f"CROSS JOIN LATERAL (VALUES {groups}) AS k (category, commune, century) "
        f"WHERE r.status = '{PUBLISHED}' AND k.commune IS NOT NULL AND k.century IS NOT NULL "
        f"GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def _pg_lock(*tables):
    # Writers of one campaign's cells go one at a time: two transactions updating
    # shared cells in different orders would otherwise deadlock.
    campaigns = " UNION ".join(
        f"SELECT campaign_id FROM {table} AS r WHERE r.status = '{PUBLISHED}'" for table in tables
    )
    return (
        f"FOR campaign IN SELECT DISTINCT campaign_id FROM ({campaigns}) AS c ORDER BY 1 LOOP "
        f"PERFORM pg_advisory_xact_lock({LOCK_CLASS}, CAST(campaign AS integer)); END LOOP;"
    )


def _pg_add(rows):
    return (
        f"INSERT INTO {CELLS} AS cell ({COLUMNS}) "
        f"SELECT * FROM ({_pg_deltas(rows)}) AS d ORDER BY 1, 2, 3, 4, 5, 6, 7 "
        f"{CONFLICT.format(t='cell.')};"
    )


def _pg_remove(rows):
    return (
        f"UPDATE {CELLS} AS cell SET count = cell.count - d.n, "
        f"sum_lon = cell.sum_lon - d.slon, sum_lat = cell.sum_lat - d.slat "
        f"FROM ({_pg_deltas(rows)}) "
        f"AS d (campaign_id, category, commune, century, level, cx, cy, n, slon, slat) "
        f"WHERE cell.campaign_id = d.campaign_id AND cell.category = d.category "
        f"AND cell.commune = d.commune AND cell.century = d.century "
        f"AND cell.level = d.level AND cell.cx = d.cx AND cell.cy = d.cy;"
    )


def _pg_body(body):
    return f" DECLARE campaign bigint; BEGIN {body} RETURN NULL; END "


_PG_CHANGED = CHANGED.format(o="o", n="n", p=PUBLISHED)
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
        f"CREATE OR REPLACE FUNCTION inventories_mapcells_{event}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $body${POSTGRES_BODIES[event]}$body$"
        for event in EVENTS
    ),
    *(
        f"CREATE TRIGGER inventories_mapcells_{event} AFTER {event.upper()} ON {ITEMS} "
        f"REFERENCING {_PG_TABLES[event]} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION inventories_mapcells_{event}()"
        for event in EVENTS
    ),
]
POSTGRES_DROP = [
    *(f"DROP TRIGGER IF EXISTS inventories_mapcells_{event} ON {ITEMS}" for event in EVENTS),
    *(f"DROP FUNCTION IF EXISTS inventories_mapcells_{event}()" for event in EVENTS),
]


def _vendor(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise NotImplementedError(f"No map cell triggers for {vendor}: SQLite or PostgreSQL.")
    return vendor


def _execute(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    _execute(schema_editor, SQLITE_DROP if _vendor(schema_editor) == "sqlite" else POSTGRES_DROP)


def create_triggers(apps, schema_editor):
    vendor = _vendor(schema_editor)
    create = SQLITE_CREATE if vendor == "sqlite" else POSTGRES_CREATE
    _execute(schema_editor, _fill(vendor) + create)


def drop_century_cells(apps, schema_editor):
    """Backwards: the triggers and the cells per century go, as before this migration."""
    drop_triggers(apps, schema_editor)
    apps.get_model("inventories", "MapCell").objects.exclude(century=0).delete()


def restore_previous_triggers(apps, schema_editor):
    """Backwards: migration 0003's triggers, over cells it computes again."""
    apps.get_model("inventories", "MapCell").objects.all().delete()
    import_module("tissage.inventories.migrations.0003_map_cells").create_triggers(
        apps, schema_editor
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventories", "0013_campaign_updated_at"),
    ]

    operations = [
        # First: on SQLite the cells' table is rebuilt below, which the triggers name.
        migrations.RunPython(drop_triggers, restore_previous_triggers, elidable=False),
        migrations.AddField(
            model_name="mapcell",
            name="century",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RemoveConstraint(model_name="mapcell", name="one_map_cell"),
        migrations.AddConstraint(
            model_name="mapcell",
            constraint=models.UniqueConstraint(
                fields=("campaign", "category", "commune", "century", "level", "cx", "cy"),
                name="one_map_cell",
            ),
        ),
        migrations.RunPython(create_triggers, drop_century_cells, elidable=False),
    ]
