"""The code tally (reports.models.CodeTally) and the statement triggers that keep it.

It is a sum of the case facts (migration 0008), so it is kept from the facts' own changes:
every statement that inserts, updates or deletes facts adds the marks of the rows after (+1)
and subtracts those of the rows before (-1), grouped to one upsert per key, keys in one order
(as the case tally, migration 0007). The facts change with every write to the case tables,
so the import's COPY, queryset updates and services all reach it. `reports_casefacts_marks`
is the one definition of what a case adds (the live counting in reports/tally.py uses it
too). A row counts the cases of a unit's whole subtree: a case adds to its unit and every
unit above it, so a förvaltning's year is twelve months of one unit, not of a hundred.
Units are found above by path prefix; sibling units re-sorted by name keep their ancestors,
and an update of cases_unit that gives a unit another parent recounts the table. Rebuilding
the facts rebuilds this table once, instead of subtracting and adding every row through the
triggers. Months are local months of settings.TIME_ZONE when this ran."""

# ruff: noqa: S608 - the SQL is built from this file's own constants, never from input

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from treebeard.mp_tree import MP_Node

TZ = settings.TIME_ZONE.replace("'", "")
STEP = MP_Node.steplen
KEY = "rule, kind, subtree_id, month, variant, skyddad, what, code"
FACTS = importlib.import_module("reports.migrations.0008_case_facts")

# What one case adds: its set of marks (with bit 128 when it has a measure), each code, each
# measure's type (0: none given).
MARKS = """
CREATE OR REPLACE FUNCTION reports_casefacts_marks(marked smallint, codes bigint[],
                                                   measure_types bigint[])
RETURNS TABLE (what text, code bigint) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
    SELECT 's', marked::bigint | CASE WHEN cardinality(measure_types) > 0 THEN 128 ELSE 0 END
    UNION ALL SELECT 'c', x FROM unnest(codes) AS x
    UNION ALL SELECT 'm', COALESCE(t, 0) FROM unnest(measure_types) AS t
$fn$;"""

# The unit and every unit above it (index lookups by path prefix).
ANCESTORS = f"""
CREATE OR REPLACE FUNCTION reports_unit_and_ancestors(unit bigint)
RETURNS TABLE (id bigint) LANGUAGE sql STABLE AS $fn$
    SELECT a.id FROM cases_unit u
    CROSS JOIN LATERAL generate_series(1, u.depth) AS k(n)
    JOIN cases_unit a ON a.path = left(u.path, k.n * {STEP})
    WHERE u.id = unit
$fn$;"""


def marks(relation: str, sign: str, per_unit: bool = False) -> str:
    """One row per (fact of `relation`, date rule, mark, unit at or above the case's unit)
    with its local month; `per_unit`: the case's own unit only (the rebuild rolls up after)."""
    if per_unit:
        above, subtree = "", "f.unit_id"
    else:
        above, subtree = "CROSS JOIN LATERAL reports_unit_and_ancestors(f.unit_id) AS a", "a.id"
    return f"""
        SELECT r.rule, f.kind, r.month, f.variant, {subtree} AS subtree_id, f.skyddad,
               m.what, m.code, {sign} AS n
        FROM {relation} f
        CROSS JOIN LATERAL (VALUES
            ('r', date_trunc('month', f.received_at AT TIME ZONE '{TZ}')::date),
            ('c', date_trunc('month', f.closed_at AT TIME ZONE '{TZ}')::date)
        ) AS r(rule, month)
        CROSS JOIN LATERAL reports_casefacts_marks(f.marked, f.codes, f.measure_types) AS m
        {above}
        WHERE r.month IS NOT NULL"""


def upsert(*parts: str) -> str:
    union = " UNION ALL ".join(parts)
    return f"""
        INSERT INTO reports_codetally ({KEY}, n)
        SELECT {KEY}, SUM(n) FROM ({union}) AS d
        GROUP BY {KEY} HAVING SUM(n) <> 0 ORDER BY {KEY}
        ON CONFLICT ({KEY}) DO UPDATE SET n = reports_codetally.n + EXCLUDED.n;"""


# Unit → itself and every unit above it, as pairs (the hundred-odd units' ancestors).
ANCESTOR_PAIRS = f"""(SELECT u.id AS unit, a.id AS ancestor FROM cases_unit u
              JOIN cases_unit a ON a.depth <= u.depth AND a.path = left(u.path, a.depth * {STEP})
        )"""


def rolled_up(relation: str, pairs: str = ANCESTOR_PAIRS, ordered: bool = True) -> str:
    """The marks of the facts in `relation`, summed per own unit first, then rolled up the tree
    (a hash join with the ancestor `pairs`): millions of marks aggregated once; `ordered`: in
    key order, the order every writer of the tally locks its rows in."""
    order = "ORDER BY rule, kind, a.ancestor, month, variant, skyddad, what, code" if ordered else ""
    return f"""
        SELECT rule, kind, a.ancestor, month, variant, skyddad, what, code, SUM(n)
        FROM (
            SELECT {KEY}, SUM(n) AS n FROM ({marks(relation, "1", True)}) AS d
            GROUP BY {KEY}
        ) AS own
        JOIN {pairs} AS a ON a.unit = own.subtree_id
        GROUP BY rule, kind, a.ancestor, month, variant, skyddad, what, code
        {order}"""


REBUILD = f"""
    CREATE OR REPLACE FUNCTION reports_codetally_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
        -- Millions of marks grouped in memory rather than spilled to disk (this transaction).
        PERFORM set_config('work_mem', '256MB', true);
        DELETE FROM reports_codetally;
        INSERT INTO reports_codetally ({KEY}, n) {rolled_up("reports_casefacts")};
    END $fn$;
    CREATE OR REPLACE FUNCTION reports_codetally_truncated() RETURNS trigger
    LANGUAGE plpgsql AS $fn$ BEGIN PERFORM reports_codetally_rebuild(); RETURN NULL; END $fn$;
"""

# A unit given another parent (treebeard's move; the app never moves units, re-sorting
# siblings keeps every parent): the old parent is the unit that had the old parent path
# before the statement, the new one the unit that has the new parent path now.
UNIT_MOVED = f"""
    CREATE OR REPLACE FUNCTION reports_codetally_unit_update() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE o.path <> n.path AND (
                SELECT COALESCE(
                    (SELECT p.id FROM old_rows p WHERE p.path = left(o.path, (o.depth - 1) * {STEP})),
                    (SELECT p.id FROM cases_unit p WHERE p.path = left(o.path, (o.depth - 1) * {STEP})
                       AND p.id NOT IN (SELECT id FROM new_rows))))
              IS DISTINCT FROM (
                SELECT p.id FROM cases_unit p WHERE p.path = left(n.path, (n.depth - 1) * {STEP}))
        ) THEN
            PERFORM reports_codetally_rebuild();
        END IF;
        RETURN NULL;
    END $fn$;
    CREATE TRIGGER reports_codetally_unit_update AFTER UPDATE ON cases_unit
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION reports_codetally_unit_update();
"""

# While the facts are rebuilt the triggers stand aside; the rebuild recounts this table once.
SKIP = "IF current_setting('reports.facts_rebuild', true) = 'on' THEN RETURN NULL; END IF;"
COLUMNS = "kind, unit_id, skyddad, received_at, closed_at, variant, codes, marked, measure_types"
CHANGED = f"""(SELECT o.* FROM old_rows o JOIN new_rows n2 ON n2.case_id = o.case_id
    WHERE (o.{COLUMNS.replace(", ", ", o.")}) IS DISTINCT FROM
          (n2.{COLUMNS.replace(", ", ", n2.")}))"""
CHANGED_NEW = CHANGED.replace("SELECT o.*", "SELECT n2.*")


def function(name: str, body: str) -> str:
    return f"""
        CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN {SKIP} {body} RETURN NULL; END $fn$;"""


FUNCTIONS = (
    MARKS
    + ANCESTORS
    + REBUILD
    + f"""
    CREATE OR REPLACE FUNCTION reports_casefacts_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
        PERFORM set_config('reports.facts_rebuild', 'on', true);
        DELETE FROM reports_casefacts;
        INSERT INTO reports_casefacts ({FACTS.FACT_COLUMNS}) {FACTS.select_facts()};
        PERFORM set_config('reports.facts_rebuild', 'off', true);
        PERFORM reports_codetally_rebuild();
    END $fn$;
    """
    + function("reports_codetally_facts_insert", upsert(marks("new_rows", "1")))
    + function("reports_codetally_facts_delete", upsert(marks("old_rows", "-1")))
    + function(
        "reports_codetally_facts_update",
        upsert(marks(CHANGED, "-1"), marks(CHANGED_NEW, "1")),
    )
)


def trigger(event: str, refs: str) -> str:
    name = f"reports_codetally_facts_{event.lower()}"
    return f"""CREATE TRIGGER {name} AFTER {event} ON reports_casefacts REFERENCING {refs}
        FOR EACH STATEMENT EXECUTE FUNCTION {name}();"""


TRIGGERS = [
    trigger("INSERT", "NEW TABLE AS new_rows"),
    trigger("DELETE", "OLD TABLE AS old_rows"),
    trigger("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    """CREATE TRIGGER reports_codetally_facts_truncate AFTER TRUNCATE ON reports_casefacts
        FOR EACH STATEMENT EXECUTE FUNCTION reports_codetally_truncated();""",
    UNIT_MOVED,
]

# Back to migration 0008's facts rebuild.
DROP = f"""
    DROP TRIGGER IF EXISTS reports_codetally_facts_insert ON reports_casefacts;
    DROP TRIGGER IF EXISTS reports_codetally_facts_delete ON reports_casefacts;
    DROP TRIGGER IF EXISTS reports_codetally_facts_update ON reports_casefacts;
    DROP TRIGGER IF EXISTS reports_codetally_facts_truncate ON reports_casefacts;
    DROP TRIGGER IF EXISTS reports_codetally_unit_update ON cases_unit;
    DROP FUNCTION IF EXISTS reports_codetally_facts_insert(), reports_codetally_facts_delete(),
        reports_codetally_facts_update(), reports_codetally_truncated(),
        reports_codetally_unit_update(), reports_codetally_rebuild(),
        reports_unit_and_ancestors(bigint),
        reports_casefacts_marks(smallint, bigint[], bigint[]);
    CREATE OR REPLACE FUNCTION reports_casefacts_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
        DELETE FROM reports_casefacts;
        INSERT INTO reports_casefacts ({FACTS.FACT_COLUMNS}) {FACTS.select_facts()};
    END $fn$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_start_page_person_indexes"),
        ("reports", "0008_case_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="CodeTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("rule", models.CharField(max_length=1)),
                ("kind", models.CharField(max_length=20)),
                ("month", models.DateField()),
                ("variant", models.CharField(blank=True, max_length=30)),
                ("skyddad", models.BooleanField()),
                ("what", models.CharField(max_length=1)),
                ("code", models.BigIntegerField()),
                ("n", models.IntegerField()),
                (
                    "subtree",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.unit",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "rule",
                            "kind",
                            "subtree",
                            "month",
                            "variant",
                            "skyddad",
                            "what",
                            "code",
                        ),
                        include=("n",),
                        name="code_tally_key",
                    )
                ],
            },
        ),
        migrations.RunSQL(
            FUNCTIONS
            + "".join(TRIGGERS)
            + "SELECT reports_codetally_rebuild(); ANALYZE reports_codetally;",
            DROP,
        ),
    ]
