"""Rebuild or check the case tally, the case facts and the code tally (reports.models.CaseTally,
CaseFacts, CodeTally) from the case tables:

    manage.py rebuild_case_tally            # recount every case (after a restore, a change of TIME_ZONE)
    manage.py rebuild_case_tally --check    # compare without changing anything; exit 1 on a difference

PostgreSQL keeps them in step with every write (reports migrations 0007–0009), so --check
is what monitoring runs; a rebuild is for a database restored from parts or edited by hand.
Both first add the marks an import left for its Celery task (reports.bulk, migration 0015):
the code tally is only compared once it holds every case."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

# table → (its rebuild function, the columns compared; codes in any order)
TABLES = {
    "reports_casetally": (
        "reports_casetally_rebuild",
        "rule, month, kind, variant, unit_id, skyddad, n",
        "n <> 0",
    ),
    "reports_casefacts": (
        "reports_casefacts_rebuild",
        "case_id, kind, unit_id, skyddad, received_at, closed_at, variant, "
        "ARRAY(SELECT unnest(codes) ORDER BY 1) AS codes, marked, measure_types",
        "TRUE",
    ),
    # Checked against the facts; rebuilt with them (reports_casefacts_rebuild).
    "reports_codetally": (
        "reports_codetally_rebuild",
        "rule, kind, subtree_id, month, variant, skyddad, what, code, n",
        "n <> 0",
    ),
}
REBUILT_WITH_THE_FACTS = {"reports_codetally"}


class _Rollback(Exception):
    pass


def differences(table: str) -> int:
    """Rows where `table` differs from a recount by the database's own rebuild function,
    inside a transaction that is rolled back (the one definition of the figures)."""
    rebuild, columns, keep = TABLES[table]
    select = f"SELECT {columns} FROM {table} WHERE {keep}"  # noqa: S608 - our constants
    found = 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE before_rebuild ON COMMIT DROP AS {select}")
            cursor.execute(f"SELECT {rebuild}()")
            compare = (
                f"SELECT COUNT(*) FROM ((SELECT * FROM before_rebuild EXCEPT {select}) "  # noqa: S608
                f"UNION ALL ({select} EXCEPT SELECT * FROM before_rebuild)) AS d"
            )
            cursor.execute(compare)
            found = cursor.fetchone()[0]
            raise _Rollback
    except _Rollback:
        pass
    return found


def tally_differences() -> int:
    from reports.catch_up import codetally_catch_up

    codetally_catch_up()
    return sum(differences(table) for table in TABLES)


class Command(BaseCommand):
    help = "Räknar om statistiktabellerna över ärenden, eller kontrollerar dem (--check)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Jämför bara; avslutar med 1 vid skillnad."
        )

    def handle(self, *args, check=False, **options):
        if check:
            found = tally_differences()
            if found:
                self.stderr.write(
                    f"Statistiktabellerna skiljer sig från ärendena på {found} rader. "
                    "Kör manage.py rebuild_case_tally."
                )
                raise SystemExit(1)
            self.stdout.write("Statistiktabellerna stämmer med ärendena.")
            return
        with connection.cursor() as cursor:
            for table, (rebuild, _columns, _keep) in TABLES.items():
                if table not in REBUILT_WITH_THE_FACTS:
                    cursor.execute(f"SELECT {rebuild}()")
        self.stdout.write("Statistiktabellerna är omräknade.")
