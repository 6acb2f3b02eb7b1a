"""Rebuild or check the case tally (reports.models.CaseTally) from the case tables:

    manage.py rebuild_case_tally            # recount every case (after a restore, a change of TIME_ZONE)
    manage.py rebuild_case_tally --check    # compare without changing anything; exit 1 on a difference

PostgreSQL keeps the tally in step with every write (reports migration 0007), so --check is
what monitoring runs; a rebuild is for a database restored from parts or edited by hand."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction


class _Rollback(Exception):
    pass


def tally_differences() -> int:
    """Rows where the tally differs from a recount by the database's own rebuild function,
    inside a transaction that is rolled back (the one definition of the count)."""
    found = 0
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE tally_before ON COMMIT DROP AS "
                "SELECT rule, month, kind, variant, unit_id, skyddad, n "
                "FROM reports_casetally WHERE n <> 0"
            )
            cursor.execute("SELECT reports_casetally_rebuild()")
            cursor.execute(
                "SELECT COUNT(*) FROM ("
                "(SELECT rule, month, kind, variant, unit_id, skyddad, n FROM tally_before "
                " EXCEPT SELECT rule, month, kind, variant, unit_id, skyddad, n "
                " FROM reports_casetally WHERE n <> 0) UNION ALL "
                "(SELECT rule, month, kind, variant, unit_id, skyddad, n "
                " FROM reports_casetally WHERE n <> 0 "
                " EXCEPT SELECT rule, month, kind, variant, unit_id, skyddad, n FROM tally_before)"
                ") AS d"
            )
            found = cursor.fetchone()[0]
            raise _Rollback
    except _Rollback:
        pass
    return found


class Command(BaseCommand):
    help = "Räknar om statistiktabellen över ärenden, eller kontrollerar den (--check)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Jämför bara; avslutar med 1 vid skillnad."
        )

    def handle(self, *args, check=False, **options):
        if check:
            differences = tally_differences()
            if differences:
                self.stderr.write(
                    f"Statistiktabellen skiljer sig från ärendena på {differences} rader. "
                    "Kör manage.py rebuild_case_tally."
                )
                raise SystemExit(1)
            self.stdout.write("Statistiktabellen stämmer med ärendena.")
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT reports_casetally_rebuild()")
        self.stdout.write("Statistiktabellen är omräknad.")
