"""The code tally's catch-up: the marks of the cases an import left pending (reports.bulk,
migration 0015) added to the code tally, after the import's commit. Run by the Celery task
reports.tasks.catch_up_code_tally, and first by `manage.py rebuild_case_tally`."""

from django.db import connection, transaction

# Cases whose marks one catch-up transaction adds: bounded, so a worker's transaction and its
# locks stay short whatever the size of the import.
CATCH_UP_BATCH = 50_000


def codetally_catch_up(batch: int = CATCH_UP_BATCH) -> int:
    """Add the pending cases' marks to the code tally, `batch` cases a transaction, until none
    is pending; returns how many cases were added. Safe to run twice at once (a batch claims
    its cases with SKIP LOCKED) and beside service writes (migration 0015)."""
    added = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT reports_codetally_catch_up(%s)", [batch])
            claimed = cursor.fetchone()[0]
        added += claimed
        if claimed < batch:
            return added
