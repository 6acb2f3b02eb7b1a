"""The bulk import at scale (issue 16: 100 000 rows ≤ 20 s, measured in bench/imports.py): every
imported case and every row written beside it has its history row with the importing user and
the file as reason, and the import's SQL does not grow with the number of rows (one query per
row or per distinct day would be thousands at 100 000 rows)."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.complaints.models import Complaint
from cases.imports import import_cases_file
from cases.models import Case, Measure
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
