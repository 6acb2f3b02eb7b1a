"""Demo seeding (the import for the years before the move, the services since) and the import
applier: bulk, with history, idempotent."""

import io
import random

import pytest
from django.utils import timezone

from cases.demo import cutover, seed_organisation
from cases.imports import import_cases_file
from cases.models import Case, Measure
from deviations.demo import IMPORT_FILE, SERVICES_DAYS, seed
from deviations.models import Deviation
from deviations.selectors import deviation_label_counts
from tests.factories import make_unit

pytestmark = pytest.mark.django_db

HEADER = (
    "typ;extern_referens;enhet;inkom;handelse;avslutad;rubrik;beskrivning;kategori;brister;"
    "orsaker;amnen;atgarder;avvikelse_konstaterad;bedomning;au_datum;ivo_anmald;"
    "ivo_beslut_datum;ivo_beslut\n"
)


def test_demo_deviations_are_realistic_with_history_and_idempotent():
    users = seed_organisation()
    now = timezone.now()
    out = io.StringIO()
    created = seed(
        users=users, rng=random.Random(1), stdout=out, years={2024, now.year}, scale=0.25
    )
    cases = Case.objects.filter(kind="deviation")
    assert created == cases.count() == Deviation.objects.count() > 400
    assert set(cases.values_list("status", flat=True)) == {
        "rapporterad",
        "mottagen",
        "utredning",
        "avslutad",
    }
    closed = cases.filter(status="avslutad")
    assert closed.count() > cases.count() / 2
    assert set(closed.values_list("outcome", flat=True)) >= {
        "med_atgard",
        "utan_atgard",
        "ej_forelegat",
    }
    assert cases.values("unit").distinct().count() >= 8
    moved = cutover(timezone.localdate(), days=SERVICES_DAYS)
    # The years before the move came in through the import, every step since through the
    # services: the history says so, in order, with the user and the reason of each step.
    imported = closed.filter(imported_from=IMPORT_FILE, closed_at__lt=moved)
    assert imported.count() > 300
    for case in imported[:50]:
        (row,) = case.history.all()
        assert (row.status, row.history_type) == ("avslutad", "+")
        assert (row.history_user.username, row.history_date) == ("kvalitet", moved)
        assert row.history_change_reason == f"Import från {IMPORT_FILE}"
        assert case.received_at <= case.closed_at < moved
        assert case.deviation.deficiencies.exists() and case.deviation.consequence is not None
    # Closed since the move: through the services, from the report on or (open on the day
    # of the move) from the import on.
    handled = closed.filter(closed_at__gte=moved)
    assert handled.filter(imported_from="").exists()
    assert handled.filter(imported_from=IMPORT_FILE).exists()
    for case in handled:
        rows = list(case.history.order_by("history_date", "history_id"))
        statuses = [
            r.status for i, r in enumerate(rows) if i == 0 or r.status != rows[i - 1].status
        ]
        assert statuses == ["rapporterad", "mottagen", "utredning", "avslutad"]
        assert all(r.history_user is not None and r.history_change_reason for r in rows)
        assert all(moved <= r.history_date <= now for r in rows)
        assert case.received_at <= case.closed_at <= now
        assert rows[-1].history_date == case.closed_at
        if case.imported_from:
            assert rows[0].history_change_reason == f"Import från {IMPORT_FILE}"
        if case.outcome == "med_atgard":
            assert Measure.objects.filter(case=case).exists()
            assert all(m.history.exists() for m in Measure.objects.filter(case=case))
    # Reference numbers follow the received dates within a year across both paths.
    refs = list(
        cases.filter(received_at__year=now.year)
        .order_by("received_at", "id")
        .values_list("reference", flat=True)
    )
    assert refs == sorted(refs)
    dev = Deviation.objects.filter(case__status="avslutad").first()
    assert dev.history.latest().deficiencies.count() == dev.deficiencies.count() > 0
    counts = dict(deviation_label_counts(cases, "deficiencies"))
    assert "Ej angivet" in counts and len(counts) >= 10
    again = seed(users=users, rng=random.Random(1), stdout=out)
    assert again == 0 and Deviation.objects.count() == created


def test_import_writes_deviation_categories_in_bulk():
    make_unit("IFO-BU-1", "Sektion")
    lines = [HEADER]
    for i in range(2000):
        closed = "2024-03-01" if i % 2 else ""
        lines.append(
            f"avvikelse;IMP-{i};IFO-BU-1;2024-02-01;;{closed};Rubrik {i};Text;"
            f"handlaggning;dokumentation|kompetens|bemotande;rutin-ej-foljd;;;;;;;;\n"
        )
    result = import_cases_file("".join(lines).encode(), "lifecare.csv", user=None)
    assert result.created == 2000
    deviation = Deviation.objects.get(case__external_reference="IMP-7")
    assert sorted(c.code for c in deviation.deficiencies.all()) == [
        "bemotande",
        "dokumentation",
        "kompetens",
    ]
    assert [c.code for c in deviation.root_causes.all()] == ["rutin-ej-foljd"]
    row = deviation.history.get()
    assert row.history_change_reason == "Import från lifecare.csv"
    assert row.deficiencies.count() == 3 and row.root_causes.count() == 1
    counts = dict(deviation_label_counts(Case.objects.filter(kind="deviation"), "deficiencies"))
    assert counts == {"Dokumentation": 2000, "Bemötande": 2000, "Kompetens": 2000}
