"""The statistics' triggers stand aside during a bulk write of new cases (issue 16: imports).

A 100 000-row import wrote the facts statement by statement: each side table's COPY appended
codes to its cases' facts rows, and each of those UPDATEs moved every touched case's marks out
of and back into the code tally (migration 0009), about 40 tally rows per historic case, several
times over; adding a fact's marks also looked up its unit's ancestors once per mark. In a
transaction where `reports.bulk_write` is on, the case facts' source triggers and the code
tally's facts triggers do nothing. The writer (reports.bulk) then computes the new cases' facts
with `reports_casefacts_refresh(ids)` and adds their marks with `reports_codetally_add(ids)`,
summed per own unit and rolled up the tree once, as the rebuild does. The setting is local to
the transaction (set_config(..., true)), so a rolled-back import leaves it off.
"""

# ruff: noqa: S608 - the SQL is built from this file's own constants, never from input

import importlib

from django.db import migrations

FACTS = importlib.import_module("reports.migrations.0008_case_facts")
CODE_TALLY = importlib.import_module("reports.migrations.0009_code_tally")

BULK = "current_setting('reports.bulk_write', true) = 'on'"
SKIP_FACTS = f"IF {BULK} THEN RETURN NULL; END IF; "


def facts_functions(prefix: str) -> str:
    return "".join(
        FACTS.source_function(table, event, prefix + body)
        for table, (column, on_insert) in FACTS.SOURCES.items()
        for event, body in FACTS.source_bodies(table, column, on_insert).items()
    )


def code_tally_functions(skip: str, relation=lambda rows: rows) -> str:
    """The code tally's facts triggers; `relation` wraps a transition table (migration 0015
    leaves out the cases whose marks are pending)."""
    bodies = {
        "insert": CODE_TALLY.upsert(CODE_TALLY.marks(relation("new_rows"), "1")),
        "delete": CODE_TALLY.upsert(CODE_TALLY.marks(relation("old_rows"), "-1")),
        "update": CODE_TALLY.upsert(
            CODE_TALLY.marks(relation("old_rows"), "-1"),
            CODE_TALLY.marks(relation("new_rows"), "1"),
        ),
    }
    return "".join(
        f"""
        CREATE OR REPLACE FUNCTION reports_codetally_facts_{event}() RETURNS trigger
        LANGUAGE plpgsql AS $fn$ BEGIN {skip} {body} RETURN NULL; END $fn$;"""
        for event, body in bodies.items()
    )


# The ids and the unit pairs in analysed temporary tables: with the ids as an array PostgreSQL
# guessed ten cases and joined ~650 000 own-unit sums with the unit pairs in a nested loop (21 s
# for 100 000 cases), and with the pairs as a subquery it guessed 3 pairs for 237 and grouped
# the rolled-up marks by sorting 2.6 million rows (10 s) instead of hashing them (2.5 s). The
# sums are then added in key order, the order every writer of the tally locks rows in (no
# deadlock with a service writing a case meanwhile): ~1.2 million keys for 100 000 cases.
ADD = f"""
    CREATE OR REPLACE FUNCTION reports_codetally_add(ids bigint[]) RETURNS void
    LANGUAGE plpgsql SET work_mem = '1GB' AS $fn$
    BEGIN
        CREATE TEMP TABLE reports_bulk_cases ON COMMIT DROP AS SELECT DISTINCT unnest(ids) AS id;
        CREATE TEMP TABLE reports_bulk_pairs ON COMMIT DROP AS
            SELECT * FROM {CODE_TALLY.ANCESTOR_PAIRS} AS p;
        ANALYZE reports_bulk_cases;
        ANALYZE reports_bulk_pairs;
        CREATE TEMP TABLE reports_bulk_marks ON COMMIT DROP AS {CODE_TALLY.rolled_up(
            "(SELECT * FROM reports_casefacts WHERE case_id IN (SELECT id FROM reports_bulk_cases))",
            pairs="reports_bulk_pairs",
            ordered=False,
        )};
        INSERT INTO reports_codetally ({CODE_TALLY.KEY}, n)
        SELECT * FROM reports_bulk_marks ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
        ON CONFLICT ({CODE_TALLY.KEY}) DO UPDATE SET n = reports_codetally.n + EXCLUDED.n;
        DROP TABLE reports_bulk_cases, reports_bulk_pairs, reports_bulk_marks;
    END $fn$;"""

FORWARD = (
    facts_functions(SKIP_FACTS)
    + code_tally_functions(
        f"IF current_setting('reports.facts_rebuild', true) = 'on' OR {BULK} "
        "THEN RETURN NULL; END IF;"
    )
    + ADD
)
BACKWARD = (
    facts_functions("")
    + code_tally_functions(CODE_TALLY.SKIP)
    + "DROP FUNCTION IF EXISTS reports_codetally_add(bigint[]);"
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_codetally_update_linear")]

    operations = [migrations.RunSQL(FORWARD, reverse_sql=BACKWARD)]
