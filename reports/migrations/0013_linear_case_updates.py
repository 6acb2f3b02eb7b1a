"""The case tally's and the case facts' UPDATE triggers without the old/new join (issue 16).

As 0011 did for the code tally: each of these triggers found the changed rows by joining the
statement's old and new transition tables, which PostgreSQL estimates at one row each and joins
in a nested loop, n × n for a statement that updates n cases (a scripted move of 10 000 cases to
another unit: 10^8 comparisons). The case tally now counts old rows -1 and new rows +1, and an
unchanged case cancels in the upsert's `HAVING SUM(n) <> 0`; the case facts refresh the cases
whose counted columns differ, found by EXCEPT (hashed or sorted, and NULLs compare equal as in
IS DISTINCT FROM).
"""

import importlib

from django.db import migrations

TALLY = importlib.import_module("reports.migrations.0007_case_tally")
FACTS = importlib.import_module("reports.migrations.0008_case_facts")
BULK = importlib.import_module("reports.migrations.0012_facts_bulk_write")

CASE_ROWS = TALLY.WITH_SOURCE
LINEAR_TALLY = [
    TALLY.function(
        "reports_casetally_case_update",
        TALLY.upsert(
            TALLY.facts(CASE_ROWS.format(rows="old_rows"), TALLY.SOURCE, "-1"),
            TALLY.facts(CASE_ROWS.format(rows="new_rows"), TALLY.SOURCE, "1"),
        ),
    ),
    TALLY.function(
        "reports_casetally_complaint_update",
        TALLY.upsert(
            TALLY.facts(TALLY.CASE_OF.format(rows="old_rows"), "x.source", "-1"),
            TALLY.facts(TALLY.CASE_OF.format(rows="new_rows"), "x.source", "1"),
        ),
    ),
]
JOINED_TALLY = [f for f in TALLY.FUNCTIONS if "_update()" in f]

COUNTED = "id, kind, unit_id, skyddad, received_at, closed_at, event_category_id"
LINEAR_FACTS = f"""
    PERFORM reports_casefacts_refresh(ARRAY(
        SELECT id FROM (SELECT {COUNTED} FROM new_rows
                        EXCEPT SELECT {COUNTED} FROM old_rows) AS changed));"""


def facts_update(body: str) -> str:
    return FACTS.source_function("cases_case", "UPDATE", BULK.SKIP_FACTS + body)


class Migration(migrations.Migration):
    dependencies = [("reports", "0012_facts_bulk_write")]

    operations = [
        migrations.RunSQL(
            "".join(LINEAR_TALLY) + facts_update(LINEAR_FACTS),
            reverse_sql="".join(JOINED_TALLY) + facts_update(FACTS.CASE_CHANGED),
        )
    ]
