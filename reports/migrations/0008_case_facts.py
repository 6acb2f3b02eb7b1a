"""The case facts (reports.models.CaseFacts) and the statement triggers that keep them.

Each statement on a table a distribution counts from refreshes the facts of the cases it
touched (`reports_casefacts_refresh(ids)`: one set-based recomputation of those rows, from the
tables as they now are). A case update that changes none of the columns the facts hold (a
status change) refreshes nothing. TRUNCATE rebuilds the whole table."""

# ruff: noqa: S608 - the SQL is built from this file's own constants, never from input

import django.contrib.postgres.fields
import django.db.models.deletion
from django.db import migrations, models

FACT_COLUMNS = (
    "case_id, kind, unit_id, skyddad, received_at, closed_at, variant, codes, marked, measure_types"
)


# The bit each code source sets in `marked` (reports/tally.py DIMENSION_BITS reads them).
MARKS = [
    ("deviations_deviation_deficiencies", "deviation_id", "code_id", "TRUE", 1),
    ("deviations_deviation_root_causes", "deviation_id", "code_id", "TRUE", 2),
    ("deviations_deviation", "case_id", "consequence_id", "consequence_id IS NOT NULL", 4),
    ("cases_complaint_topics", "complaint_id", "code_id", "TRUE", 8),
    ("cases_complaint", "case_id", "complaint_type_id", "complaint_type_id IS NOT NULL", 16),
    ("cases_complaint", "case_id", "sender_category_id", "sender_category_id IS NOT NULL", 32),
    ("cases_case", "id", "event_category_id", "event_category_id IS NOT NULL", 64),
]


def select_facts() -> str:
    """Every case's facts, set-based (the rebuild): each code source read once and grouped."""
    marks = " UNION ALL ".join(
        f"SELECT {table}.{case} AS id, {code} AS code, {bit} AS bit FROM {table} WHERE {condition}"
        for table, case, code, condition, bit in MARKS
    )
    return f"""
    SELECT c.id, c.kind, c.unit_id, c.skyddad, c.received_at, c.closed_at,
           COALESCE(cp.source, ''), COALESCE(x.codes, '{{}}'), COALESCE(x.marked, 0),
           COALESCE(m.types, '{{}}')
    FROM cases_case c
    LEFT JOIN cases_complaint cp ON cp.case_id = c.id
    LEFT JOIN (
        SELECT id, array_agg(code ORDER BY code) AS codes, bit_or(bit) AS marked
        FROM ({marks}) AS marks GROUP BY id
    ) AS x ON x.id = c.id
    LEFT JOIN (
        SELECT case_id, array_agg(measure_type_id ORDER BY id) AS types
        FROM cases_measure GROUP BY case_id
    ) AS m ON m.case_id = c.id"""


def marks_of(case_ref: str) -> str:
    """The codes of one case and the bits of their sources, by index lookups."""
    return " UNION ALL ".join(
        f"SELECT {code} AS code, {bit} AS bit FROM {table} "
        f"WHERE {table}.{case} = {case_ref} AND {condition}"
        for table, case, code, condition, bit in MARKS
    )


UPSERT = """ON CONFLICT (case_id) DO UPDATE SET kind = EXCLUDED.kind,
    unit_id = EXCLUDED.unit_id, skyddad = EXCLUDED.skyddad, received_at = EXCLUDED.received_at,
    closed_at = EXCLUDED.closed_at, variant = EXCLUDED.variant, codes = EXCLUDED.codes,
    marked = EXCLUDED.marked, measure_types = EXCLUDED.measure_types"""

FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION reports_casefacts_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
    IF cardinality(ids) = 0 THEN RETURN; END IF;
    DELETE FROM reports_casefacts f WHERE f.case_id IN (SELECT unnest(ids))
        AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.id = f.case_id);
    INSERT INTO reports_casefacts ({FACT_COLUMNS})
    SELECT c.id, c.kind, c.unit_id, c.skyddad, c.received_at, c.closed_at,
           COALESCE(cp.source, ''), x.codes, x.marked, mm.types
    FROM (SELECT DISTINCT unnest(ids) AS id) AS t
    JOIN cases_case c ON c.id = t.id
    LEFT JOIN cases_complaint cp ON cp.case_id = c.id
    CROSS JOIN LATERAL (
        SELECT COALESCE(array_agg(code ORDER BY code), '{{}}') AS codes,
               COALESCE(bit_or(bit), 0) AS marked
        FROM ({marks_of("c.id")}) AS m
    ) AS x
    CROSS JOIN LATERAL (
        SELECT COALESCE(array_agg(measure_type_id ORDER BY id), '{{}}') AS types
        FROM cases_measure WHERE case_id = c.id
    ) AS mm
    ORDER BY c.id
    {UPSERT};
END $fn$;

CREATE OR REPLACE FUNCTION reports_casefacts_rebuild() RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM reports_casefacts;
    INSERT INTO reports_casefacts ({FACT_COLUMNS}) {select_facts()};
END $fn$;

CREATE OR REPLACE FUNCTION reports_casefacts_truncated() RETURNS trigger
LANGUAGE plpgsql AS $fn$ BEGIN PERFORM reports_casefacts_rebuild(); RETURN NULL; END $fn$;
"""

# New rows only add (a bulk import of 100 000 cases and their code rows stays a few
# set-based statements): a new case brings its own row, new code rows append to it. A type
# row is written after its case (the ORM and the import both do), so the case row is there.
CASE_INSERT = f"""
    INSERT INTO reports_casefacts ({FACT_COLUMNS})
    SELECT n.id, n.kind, n.unit_id, n.skyddad, n.received_at, n.closed_at, '',
           CASE WHEN n.event_category_id IS NULL THEN '{{}}'::bigint[]
                ELSE ARRAY[n.event_category_id] END,
           CASE WHEN n.event_category_id IS NULL THEN 0 ELSE 64 END, '{{}}'
    FROM new_rows n ORDER BY n.id
    {UPSERT};"""

CASE_CHANGED = """
    PERFORM reports_casefacts_refresh(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (o.kind, o.unit_id, o.skyddad, o.received_at, o.closed_at, o.event_category_id)
          IS DISTINCT FROM
              (n.kind, n.unit_id, n.skyddad, n.received_at, n.closed_at, n.event_category_id)));"""


def append_codes(case: str, codes: list[tuple[str, int]], variant: str = "") -> str:
    """Append the new rows' codes (column, bit) to their cases' facts."""
    values = ", ".join(f"({column}, {bit})" for column, bit in codes)
    set_variant = "variant = a.variant, " if variant else ""
    pick_variant = f", max({variant}) AS variant" if variant else ""
    return f"""
    UPDATE reports_casefacts f SET {set_variant}
        codes = f.codes || a.codes, marked = f.marked | a.marked
    FROM (
        SELECT n.{case} AS id, COALESCE(array_agg(v.code) FILTER (WHERE v.code IS NOT NULL),
                                        '{{}}') AS codes,
               COALESCE(bit_or(v.bit) FILTER (WHERE v.code IS NOT NULL), 0) AS marked
               {pick_variant}
        FROM new_rows n CROSS JOIN LATERAL (VALUES {values}) AS v(code, bit)
        GROUP BY n.{case}
    ) AS a WHERE f.case_id = a.id;"""


MEASURE_INSERT = """
    UPDATE reports_casefacts f SET measure_types = f.measure_types || a.types
    FROM (SELECT case_id, array_agg(measure_type_id ORDER BY id) AS types FROM new_rows
          GROUP BY case_id) AS a
    WHERE f.case_id = a.case_id;"""

# table → (its case-id column, what a new row does)
SOURCES = {
    "cases_case": ("id", CASE_INSERT),
    "cases_complaint": (
        "case_id",
        append_codes(
            "case_id", [("n.complaint_type_id", 16), ("n.sender_category_id", 32)], "n.source"
        ),
    ),
    "cases_complaint_topics": ("complaint_id", append_codes("complaint_id", [("n.code_id", 8)])),
    "deviations_deviation": ("case_id", append_codes("case_id", [("n.consequence_id", 4)])),
    "deviations_deviation_deficiencies": (
        "deviation_id",
        append_codes("deviation_id", [("n.code_id", 1)]),
    ),
    "deviations_deviation_root_causes": (
        "deviation_id",
        append_codes("deviation_id", [("n.code_id", 2)]),
    ),
    "cases_measure": ("case_id", MEASURE_INSERT),
}


def source_bodies(table: str, column: str, on_insert: str) -> dict[str, str]:
    """INSERT appends; DELETE and UPDATE recompute the touched cases (by index lookups)."""
    refresh = "PERFORM reports_casefacts_refresh(ARRAY({}));"
    bodies = {
        "INSERT": on_insert,
        "DELETE": refresh.format(f"SELECT DISTINCT {column} FROM old_rows"),
        "UPDATE": refresh.format(
            f"SELECT {column} FROM new_rows UNION SELECT {column} FROM old_rows"
        ),
    }
    if table == "cases_case":
        bodies["DELETE"] = (
            "DELETE FROM reports_casefacts WHERE case_id IN (SELECT id FROM old_rows);"
        )
        bodies["UPDATE"] = CASE_CHANGED
    return bodies


def source_function(table: str, event: str, body: str) -> str:
    name = f"reports_casefacts_{table}_{event.lower()}"
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN {body} RETURN NULL; END $fn$;"""


def source_triggers(table: str, column: str, on_insert: str) -> str:
    refs = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    sql = []
    for event, body in source_bodies(table, column, on_insert).items():
        name = f"reports_casefacts_{table}_{event.lower()}"
        sql.append(
            f"""{source_function(table, event, body)}
            CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {refs[event]}
            FOR EACH STATEMENT EXECUTE FUNCTION {name}();"""
        )
    sql.append(
        f"""CREATE TRIGGER reports_casefacts_{table}_truncate AFTER TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION reports_casefacts_truncated();"""
    )
    return "\n".join(sql)


def drop_source(table: str) -> str:
    names = [f"reports_casefacts_{table}_{e}" for e in ("insert", "delete", "update", "truncate")]
    triggers = "".join(f"DROP TRIGGER IF EXISTS {n} ON {table};" for n in names)
    functions = "".join(f"DROP FUNCTION IF EXISTS {n}();" for n in names[:3])
    return triggers + functions


CREATE = (
    FUNCTIONS
    + "".join(source_triggers(t, c, on_insert) for t, (c, on_insert) in SOURCES.items())
    + "SELECT reports_casefacts_rebuild(); ANALYZE reports_casefacts;"
)
DROP = "".join(drop_source(t) for t in SOURCES) + (
    "DROP FUNCTION IF EXISTS reports_casefacts_truncated(), "
    "reports_casefacts_rebuild(), reports_casefacts_refresh(bigint[]);"
)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_start_page_person_indexes"),
        ("reports", "0007_case_tally"),
        ("deviations", "0003_deviation_reclassified_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseFacts",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("kind", models.CharField(max_length=20)),
                ("skyddad", models.BooleanField()),
                ("received_at", models.DateTimeField()),
                ("closed_at", models.DateTimeField(null=True)),
                ("variant", models.CharField(blank=True, max_length=30)),
                (
                    "codes",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(), default=list, size=None
                    ),
                ),
                ("marked", models.PositiveSmallIntegerField(default=0)),
                (
                    "measure_types",
                    django.contrib.postgres.fields.ArrayField(
                        base_field=models.BigIntegerField(null=True), default=list, size=None
                    ),
                ),
                (
                    "unit",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.unit",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["closed_at"],
                        include=(
                            "kind",
                            "unit",
                            "skyddad",
                            "variant",
                            "marked",
                            "codes",
                            "measure_types",
                        ),
                        name="case_facts_closed",
                    ),
                    models.Index(
                        fields=["received_at"],
                        include=(
                            "kind",
                            "unit",
                            "skyddad",
                            "variant",
                            "marked",
                            "codes",
                            "measure_types",
                            "closed_at",
                        ),
                        name="case_facts_received",
                    ),
                ],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
