"""The statistics' side of a bulk write of new cases (cases.registry.BulkWriteHook).

While `reports.bulk_write` is on in the transaction, the case facts' source triggers and the
code tally's triggers stand aside (migration 0012). At the end the new cases' facts are
computed in one statement. Their marks are added to the code tally after the commit, by a
Celery task (reports.catch_up, migration 0015): an import of 100 000 historic cases adds
~1.2 million code-tally keys, 15 s of what was a 36 s import. Until the task has run, the
cases are in `reports_codetallypending` and the statistics count them live from their facts.
"""

from django.db import connection, transaction

from cases.registry import BulkWriteHook


def _set(value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('reports.bulk_write', %s, true)", [value])


def begin() -> None:
    _set("on")


def end(case_ids: list[int]) -> None:
    from reports.tasks import catch_up_code_tally

    with connection.cursor() as cursor:
        cursor.execute("SELECT reports_casefacts_refresh(%s::bigint[])", [case_ids])
        cursor.execute(
            "INSERT INTO reports_codetallypending (case_id) SELECT unnest(%s::bigint[]) "
            "ON CONFLICT DO NOTHING",
            [case_ids],
        )
    _set("off")
    # Robust: with the broker down the import has still committed; the beat's run every few
    # minutes adds the marks then (reports.tasks), and the statistics count them meanwhile.
    transaction.on_commit(catch_up_code_tally.delay, robust=True)


HOOK = BulkWriteHook("reports.facts", begin=begin, end=end)
