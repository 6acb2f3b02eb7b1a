"""An import's code-tally marks are added after its commit (issue 16: imports).

Adding the marks of 100 000 imported historic cases is ~1.2 million code-tally keys, 15 s of
a 36 s import. The import now records its cases in `reports_codetallypending` and a Celery
task adds their marks after the commit, in batches (`reports_codetally_catch_up`). Meanwhile:

- the code tally's facts triggers leave pending cases out: a later change to such a case
  moves no marks, since the task adds the case's facts as they are when it runs;
- the statistics count pending cases live from their facts (reports/tally.py `mark_counts`),
  so no figure is ever short;
- the task locks the claimed cases' facts rows (FOR SHARE, in key order) before reading them.
  A service write to one of them either committed before (the task reads the new facts) or
  waits for the task's commit and then finds the case no longer pending, so its trigger
  moves the marks. No change is counted twice or lost;
- a rebuild of the tally counts every case and empties the pending set, under a lock that
  keeps a catch-up and a rebuild from running at once.
"""

# ruff: noqa: S608 - the SQL is built from this file's own constants, never from input

import importlib

from django.db import migrations, models

CODE_TALLY = importlib.import_module("reports.migrations.0009_code_tally")
BULK_WRITE = importlib.import_module("reports.migrations.0012_facts_bulk_write")

SKIP = (
    "IF current_setting('reports.facts_rebuild', true) = 'on' "
    f"OR {BULK_WRITE.BULK} THEN RETURN NULL; END IF;"
)


def counted(rows: str) -> str:
    """The transition table's facts of cases whose marks are in the tally."""
    return f"""(SELECT * FROM {rows} AS r WHERE NOT EXISTS (
        SELECT 1 FROM reports_codetallypending AS p WHERE p.case_id = r.case_id))"""


# A rebuild and a catch-up never overlap: the rebuild waits for a catch-up's commit (its
# DELETE holds ROW EXCLUSIVE on the pending set) and a catch-up for a rebuild's.
REBUILD = CODE_TALLY.REBUILD.replace(
    "DELETE FROM reports_codetally;",
    "LOCK TABLE reports_codetallypending IN EXCLUSIVE MODE; "
    "DELETE FROM reports_codetallypending; DELETE FROM reports_codetally;",
)
assert REBUILD != CODE_TALLY.REBUILD

CATCH_UP = """
    CREATE OR REPLACE FUNCTION reports_codetally_catch_up(batch integer) RETURNS integer
    LANGUAGE plpgsql AS $fn$
    DECLARE
        ids bigint[];
    BEGIN
        WITH claimed AS (
            DELETE FROM reports_codetallypending WHERE case_id IN (
                SELECT case_id FROM reports_codetallypending
                ORDER BY case_id LIMIT batch FOR UPDATE SKIP LOCKED)
            RETURNING case_id)
        SELECT array_agg(case_id ORDER BY case_id) INTO ids FROM claimed;
        IF ids IS NULL THEN
            RETURN 0;
        END IF;
        PERFORM 1 FROM reports_casefacts WHERE case_id = ANY (ids) ORDER BY case_id FOR SHARE;
        PERFORM reports_codetally_add(ids);
        RETURN cardinality(ids);
    END $fn$;
"""

FORWARD = BULK_WRITE.code_tally_functions(SKIP, counted) + REBUILD + CATCH_UP
BACKWARD = (
    BULK_WRITE.code_tally_functions(SKIP)
    + CODE_TALLY.REBUILD
    + "DROP FUNCTION IF EXISTS reports_codetally_catch_up(integer);"
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0014_codetally_key_as_primary_key")]

    operations = [
        migrations.CreateModel(
            name="CodeTallyPending",
            fields=[("case_id", models.BigIntegerField(primary_key=True, serialize=False))],
        ),
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
