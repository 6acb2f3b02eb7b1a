"""The code tally's facts-UPDATE trigger without the old/new join (issue 16: imports).

0009 found the changed facts by joining the statement's old and new transition tables on
case_id. PostgreSQL estimates a transition table at one row and chose a nested loop: an import's
side-table COPY updates tens of thousands of facts rows, and the join ran n × n (3 091 × 3 091
loops for 5 000 imported cases; a 100 000-row import did not finish). Now the old rows count -1
and the new rows +1, and an unchanged fact cancels in the existing `HAVING SUM(n) <> 0`: the
same counts, in time linear in the rows the statement touched.
"""

import importlib

from django.db import migrations

CODE_TALLY = importlib.import_module("reports.migrations.0009_code_tally")

LINEAR = CODE_TALLY.function(
    "reports_codetally_facts_update",
    CODE_TALLY.upsert(CODE_TALLY.marks("old_rows", "-1"), CODE_TALLY.marks("new_rows", "1")),
)
JOINED = CODE_TALLY.function(
    "reports_codetally_facts_update",
    CODE_TALLY.upsert(
        CODE_TALLY.marks(CODE_TALLY.CHANGED, "-1"), CODE_TALLY.marks(CODE_TALLY.CHANGED_NEW, "1")
    ),
)


class Migration(migrations.Migration):
    dependencies = [("reports", "0010_case_tally_months")]

    operations = [migrations.RunSQL(LINEAR, reverse_sql=JOINED)]
