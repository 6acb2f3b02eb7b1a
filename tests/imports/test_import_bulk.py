"""The bulk import at scale (issue 16: 100 000 rows ≤ 20 s, measured in bench/imports.py): every
imported case and every row written beside it has its history row with the importing user and
the file as reason, and the import's SQL does not grow with the number of rows (one query per
row or per distinct day would be thousands at 100 000 rows)."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.complaints.models import Complaint
from cases.imports import bulk, import_cases_file
from cases.models import Case, Measure, ReferenceCounter
from deviations.models import Deviation
from lexsarah.models import LexSarahReport

from .conftest import case_file

pytestmark = pytest.mark.django_db

REASON = "Import från lifecare.csv"


def _rows(n: int, prefix: str) -> list[dict]:
    """n rows over the three kinds, open and closed, each received on a different day (an open
    case's deadline depends on its day)."""
    rows = []
    start = date(2024, 1, 1)
    for i in range(n):
        received = start + timedelta(days=i)
        closed = (received + timedelta(days=30)).isoformat() if i % 3 else ""
        row = {
            "extern_referens": f"{prefix}-{i}",
            "enhet": ("A1", "A2", "B1")[i % 3],
            "inkom": received.isoformat(),
            "avslutad": closed,
            "rubrik": f"Ärende {i}",
            "beskrivning": "Text\tmed tabb, radbrytning\noch \\ bakstreck",
            "atgarder": "information" if closed else "",
        }
        kind = i % 4
        if kind in (0, 1):
            row.update({"typ": "avvikelse", "brister": "dokumentation", "orsaker": "kunskap"})
        elif kind == 2:
            row.update({"typ": "klagomal_utomstaende", "amnen": "bemotande"})
        else:
            row.update({"typ": "lex_sarah", "bedomning": "risk"})
        rows.append(row)
    return rows


def _import(rows, user):
    return import_cases_file(case_file(rows), "lifecare.csv", user=user)


def _history_users(model, key: str, ids) -> dict:
    """{key: [(history_type, user id, reason)]} of the model's history rows for `ids`."""
    found: dict = {}
    rows = model.history.filter(**{f"{key}__in": ids}).values_list(
        key, "history_type", "history_user_id", "history_change_reason"
    )
    for pk, kind, user_id, reason in rows:
        found.setdefault(pk, []).append((kind, user_id, reason))
    return found


def test_every_imported_row_has_its_history_row_with_the_importing_user(org):
    quality = org.users["quality"]
    result = _import(_rows(120, "H"), quality)
    assert result.created == 120
    cases = list(Case.objects.filter(external_reference__startswith="H-"))
    assert len(cases) == 120
    one = [("+", quality.pk, REASON)]
    ids = [c.pk for c in cases]
    assert _history_users(Case, "id", ids) == {pk: one for pk in ids}
    for model in (Deviation, Complaint, LexSarahReport):
        type_ids = list(model.objects.filter(case__in=ids).values_list("pk", flat=True))
        assert type_ids, model
        assert _history_users(model, "case_id", type_ids) == {pk: one for pk in type_ids}, model
    measures = list(Measure.objects.filter(case__in=ids).values_list("pk", flat=True))
    assert measures
    assert _history_users(Measure, "id", measures) == {pk: one for pk in measures}
    # The M2M snapshot belongs to each deviation's history row, as on an ordinary save.
    snapshot = apps.get_model("deviations", "HistoricalDeviation_deficiencies")
    deviations = Deviation.history.filter(case__in=ids)
    assert snapshot.objects.filter(history__in=deviations).count() == deviations.count()
    # Text with tab, newline and backslash arrives as written (COPY escaping).
    assert cases[0].description == "Text\tmed tabb, radbrytning\noch \\ bakstreck"


def test_import_queries_do_not_grow_with_the_rows(org):
    quality = org.users["quality"]
    with CaptureQueriesContext(connection) as small:
        _import(_rows(8, "S"), quality)
    with CaptureQueriesContext(connection) as large:
        _import(_rows(200, "L"), quality)
    assert Case.objects.filter(external_reference__startswith="L-").count() == 200
    # Open cases received on 50 different days: their deadlines need no query each.
    assert len(large.captured_queries) <= len(small.captured_queries) + 6


# Every table written beside a case: the statistics triggers (reports migration 0008) append
# a new row of these to its case's facts row, which must already be there.
BESIDE_THE_CASE = (
    "cases_measure",
    "cases_complaint",
    "cases_complaint_topics",
    "deviations_deviation",
    "deviations_deviation_deficiencies",
    "deviations_deviation_root_causes",
    "lexsarah_lexsarahreport",
)


def test_the_cases_are_written_before_the_rows_beside_them(org):
    """Each statement that writes rows beside the cases finds every imported case already
    there (a trigger counts them at the statement's end)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE seen (tbl text, cases bigint)")
        cursor.execute(
            "CREATE FUNCTION pg_temp.count_imported() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO seen SELECT TG_TABLE_NAME, count(*) FROM cases_case "
            "WHERE external_reference LIKE 'O-%'; RETURN NULL; END $$"
        )
        for table in BESIDE_THE_CASE:
            cursor.execute(
                f"CREATE TRIGGER seen AFTER INSERT ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.count_imported()"
            )
    assert _import(_rows(12, "O"), org.users["quality"]).created == 12
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, cases FROM seen")
        seen = dict(cursor.fetchall())
    assert seen == dict.fromkeys(BESIDE_THE_CASE, 12)


def test_a_query_while_a_copy_is_open_is_refused_not_waited_for(org):
    """Rows made by a generator run while the COPY holds the connection: a query there would
    wait forever, so it raises and nothing of the COPY is kept."""

    def rows():
        yield ("X", 2031, 1)
        Case.objects.exists()
        yield ("Y", 2031, 1)

    with pytest.raises(RuntimeError, match="COPY"), transaction.atomic():
        bulk.copy_rows(ReferenceCounter, ("prefix", "year", "last_number"), rows(), skip=("id",))
    assert not ReferenceCounter.objects.filter(year=2031).exists()
