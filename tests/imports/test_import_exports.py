"""Exports of imported cases: the inbox XLSX and the statistics XLSX hold only what the user may
see and are logged; the single-case PDF is logged and, masked, hides names and personnummer."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from cases.imports import import_cases_file
from cases.masking import PERSONNUMMER_RE
from cases.models import AccessAction, AccessLog, Case

from .conftest import case_file
from .test_import_reports import HISTORY

pytestmark = pytest.mark.django_db
STATS = {"year": 2025, "period_start_month": 1}


@pytest.fixture
def imported(org):
    quality = org.users["quality"]
    quality.first_name, quality.last_name = "Karin", "Bergström"
    quality.save()
    rows = HISTORY + [
        {
            "typ": "klagomal_utomstaende",
            "extern_referens": "PNR-1",
            "enhet": "A1",
            "inkom": "2025-05-05",
            "rubrik": "Klagomål om handläggning",
            "beskrivning": "Gäller barnet 120304-1234; mamman 19850101-5678 ringde Karin Bergström.",
            "amnen": "handlaggning",
        }
    ]
    import_cases_file(case_file(rows), "lifecare.csv", user=quality)
    return {c.external_reference: c for c in Case.objects.select_related("unit")}


def _sheet(response) -> list[tuple]:
    return list(load_workbook(io.BytesIO(response.content)).active.values)


def test_inbox_export_holds_only_the_chefs_imported_cases_and_logs_each(org, login, imported):
    chef = org.users["chef_a1"]
    response = login(chef).get("/inkorg/export/")
    assert response.status_code == 200
    exported = {row[1] for row in _sheet(response)[1:]}
    open_a1 = {c.reference for c in imported.values() if c.unit.code == "A1" and not c.closed_at}
    assert exported and exported <= open_a1
    assert all(Case.objects.get(reference=ref).unit.code == "A1" for ref in exported)
    others = {c.reference for c in imported.values() if c.unit.code != "A1"}
    assert not exported & others
    logged = AccessLog.objects.filter(user=chef, action=AccessAction.EXPORT)
    assert sorted(logged.values_list("case_reference", flat=True)) == sorted(exported)


def test_statistics_export_for_a_chef_counts_only_their_unit_and_is_logged(org, login, imported):
    chef = org.users["chef_a1"]
    client = login(chef)
    # Block 1 is the five-year trend of external complaints (STAT_BLOCKS).
    response = client.get(
        "/rapporter/statistik/xlsx/", {"unit": org.units["A1"].pk, "block": 1, "table": 0, **STATS}
    )
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0][1:] == ("2021", "2022", "2023", "2024", "2025")
    total = next(r for r in rows if r[0] == "Totalt")
    assert list(total[1:]) == [0, 0, 1, 0, 3]  # A1: U-6 (2023); U-1, U-2, PNR-1 (2025)
    assert not any("B1" in str(r[0]) or "Avdelning" in str(r[0]) for r in rows[1:])
    log = AccessLog.objects.get(user=chef, action=AccessAction.EXPORT)
    assert log.case is None and log.unit == org.units["A1"]
    assert log.detail.startswith("Statistikexport 2025:")
    # The chef reviews it in loggkontroll like any other export of their unit.
    assert "Statistikexport 2025" in client.get(reverse("cases:accesslog")).content.decode()


def test_statistics_export_outside_the_chefs_scope_is_refused_and_not_logged(org, login, imported):
    chef = org.users["chef_a1"]
    response = login(chef).get(
        "/rapporter/statistik/xlsx/", {"unit": org.units["ASF"].pk, "block": 1, "table": 0, **STATS}
    )
    assert response.status_code == 404
    assert not AccessLog.objects.filter(user=chef).exists()


def test_statistics_export_for_quality_counts_the_whole_tree(org, login, imported):
    quality = org.users["quality"]
    response = login(quality).get(
        "/rapporter/statistik/xlsx/", {"unit": org.units["ASF"].pk, "block": 1, "table": 0, **STATS}
    )
    total = next(r for r in _sheet(response) if r[0] == "Totalt")
    assert list(total[1:]) == [0, 0, 1, 2, 4]
    assert AccessLog.objects.get(user=quality, action=AccessAction.EXPORT).unit == org.units["ASF"]


def _pdf_text(response) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)


def test_case_pdf_of_an_imported_case_is_logged_and_masked(org, login, imported):
    case = imported["PNR-1"]
    client = login(org.users["quality"])
    plain = client.get(f"/arenden/{case.reference}/pdf/")
    assert plain.status_code == 200
    text = _pdf_text(plain)
    assert "19850101-5678" in text and "Bergström" in text  # the import's user in the history
    masked = client.get(f"/arenden/{case.reference}/pdf/?maskerad=1")
    assert masked.status_code == 200
    assert masked["Content-Disposition"].endswith(f'{case.reference}-maskerad.pdf"')
    text = _pdf_text(masked)
    assert "Bergström" not in text and "Karin" not in text
    assert not PERSONNUMMER_RE.search(text)
    assert "ringde" in text and "[maskerat]" in text
    logs = AccessLog.objects.filter(case=case, action=AccessAction.PRINT).order_by("id")
    assert list(logs.values_list("detail", flat=True)) == ["utlämnande", "utlämnande, maskerad"]
    assert all(log.user == org.users["quality"] for log in logs)
