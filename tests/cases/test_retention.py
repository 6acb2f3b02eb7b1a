"""Gallring: personal data and free text leave expired cases and their history; counts stay."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from cases.models import Case, Measure, Note, RetentionRun
from cases.retention import SCRUBBED_TITLE, retention_run
from cases.services.cases import case_transition
from cases.services.parts import attachment_add, measure_create, note_add
from tests.factories import code, make_case

pytestmark = pytest.mark.django_db


def _closed_case(org, title: str, years_ago: float, **kwargs):
    chef = org.users["chef_a1"]
    case = make_case(
        org.units["A1"],
        kind_="deviation",
        actor=chef,
        reporter=chef,
        title=title,
        description=f"{title}: personen 19850101-5678 föll.",
        **kwargs,
    )
    measure_create(
        case=case,
        actor=chef,
        description="Samtal med Anna Andersson",
        measure_type=code("measure_type", "kompetens"),
        responsible=chef,
    )
    note_add(case=case, text="Anna Andersson ringde", actor=chef)
    attachment_add(case=case, upload=SimpleUploadedFile("a.txt", b"hemligt"), actor=chef)
    case = case_transition(case=case, to_status="avslutad", actor=chef, reason="Klar")
    # Test setup: move the closing date into the past.
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - timedelta(days=365 * years_ago)
    )
    return case


def test_expired_case_is_scrubbed_and_statistics_stay(org):
    old = _closed_case(org, "Gammal händelse", years_ago=6)
    recent = _closed_case(org, "Ny händelse", years_ago=1)
    held = _closed_case(org, "Bevaras", years_ago=6, legal_hold=True)
    before = Case.objects.filter(kind="deviation").count()

    run = retention_run()

    old.refresh_from_db()
    assert old.title == SCRUBBED_TITLE and old.description == "" and old.reporter is None
    assert old.anonymised_at is not None
    assert old.kind == "deviation" and old.unit == org.units["A1"] and old.closed_at
    assert not Note.objects.filter(case=old).exists() and not old.attachments.exists()
    measure = Measure.objects.get(case=old)
    assert measure.description == "" and measure.measure_type.code == "kompetens"
    history_text = " ".join(f"{h.title} {h.description}" for h in old.history.all())
    assert "19850101-5678" not in history_text and "Gammal händelse" not in history_text
    assert "Anna" not in " ".join(n.text for n in Note.history.filter(case_id=old.pk))
    assert old.history.first().history_change_reason == "Gallring enligt dokumenthanteringsplanen"

    recent.refresh_from_db()
    held.refresh_from_db()
    assert recent.title == "Ny händelse" and held.title == "Bevaras"
    assert Case.objects.filter(kind="deviation").count() == before
    assert run.counts["deviation"] == 1 and run.counts["bevarade_pga_rattsligt_hinder"] == 1


def test_dry_run_changes_nothing_and_logs_the_run(org, capsys):
    old = _closed_case(org, "Gammal", years_ago=6)
    call_command("gallra", "--dry-run")
    old.refresh_from_db()
    assert old.title == "Gammal" and old.anonymised_at is None
    assert "Skulle gallra deviation: 1" in capsys.readouterr().out
    assert RetentionRun.objects.get().dry_run is True


def test_second_run_does_nothing_more(org):
    _closed_case(org, "Gammal", years_ago=6)
    retention_run()
    assert retention_run().counts["deviation"] == 0
