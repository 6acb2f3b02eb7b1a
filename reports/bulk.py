"""The statistics' side of a bulk write of new cases (cases.registry.BulkWriteHook).

While `reports.bulk_write` is on in the transaction, the case facts' source triggers and the
code tally's triggers stand aside (migration 0012). At the end the new cases' facts are
computed in one statement and their marks added to the code tally in another, rolled up the
unit tree once. An import of 100 000 historic cases otherwise updated each case's facts row
once per side table it writes, and the code tally moved every case's ~40 marks out and in
again on each of those updates (171 s for 100 000 rows; about 36 s with this, 15 s of it
adding ~1.2 million code-tally keys).
"""

from django.db import connection

from cases.registry import BulkWriteHook


def _set(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('reports.bulk_write', %s, true)", [value])


def begin() -> None:
    _set("on")


def end(case_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_casefacts_refresh(%s::bigint[])", [case_ids])
        cursor.execute("SELECT reports_codetally_add(%s::bigint[])", [case_ids])
    _set("off")


HOOK = BulkWriteHook("reports.facts", begin=begin, end=end)
