"""XLSX exports (issue 17, point 7): real date cells with a date format, set column widths,
sheet names within Excel's 31 characters that say what the sheet holds, Swedish file names."""

import io
from datetime import date, datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from cases.xlsx import sheet_name, swedish_filename, xlsx_bytes
from reports.editions.statistics import STAT_BLOCKS
from reports.editions.xlsx_names import export_filename


def _book(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_dates_are_date_cells_with_a_date_format():
    aware = timezone.make_aware(datetime(2025, 12, 31, 23, 30), timezone.get_default_timezone())
    ws = _book(
        xlsx_bytes(
            "Inkorg",
            ["Rubrik", "Inkom", "Beslut", "Registrerad"],
            [["Ett ärende", "2025-03-10", date(2025, 4, 1), aware], ["=1+1", "", None, None]],
        )
    ).active
    received, decided, registered = ws["B2"], ws["C2"], ws["D2"]
    assert received.is_date and received.value.date() == date(2025, 3, 10)
    assert received.number_format == "yyyy-mm-dd"
    assert decided.is_date and decided.number_format == "yyyy-mm-dd"
    # Stockholm time, as the reader saw it on the page (not 22:30 UTC).
    assert registered.value == datetime(2025, 12, 31, 23, 30)
    assert registered.number_format == "yyyy-mm-dd hh:mm"
    assert ws["A3"].value == "'=1+1"  # formulas still defused


def test_columns_have_widths_from_their_content():
    ws = _book(
        xlsx_bytes(
            "Tabell",
            ["Verksamhetsområde", "2025"],
            [["Barn och unga utredning", 35], ["Urval: inkomna, räknat på inkomstdatum, " * 3]],
        )
    ).active
    assert ws.column_dimensions["A"].width == len("Barn och unga utredning") + 2
    assert ws.column_dimensions["B"].width == 8  # the minimum, not Excel's default


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Beslut från IVO om lex Sarah-anmälningar", "Beslut från IVO om lex"),
        ("Antal kvalitetsavvikelser 2021–2025 per verksamhetsområde", "Antal kvalitetsavvikelser"),
        ("Lex Sarah 2025: nyckeltal [utdrag]", "Lex Sarah 2025 nyckeltal utdrag"),
        ("", "Data"),
    ],
)
def test_sheet_names_are_meaningful_and_fit(title, expected):
    name = sheet_name(title)
    assert name == expected and len(name) <= 31
    assert _book(xlsx_bytes(title, ["A"], [])).active.title == expected


def test_swedish_file_names():
    assert swedish_filename("statistik", 2025, "ivo-beslut") == "statistik-2025-ivo-beslut.xlsx"
    assert (
        export_filename("statistik", 2025, {"key": "ivo_decisions", "caption": "x"})
        == "statistik-2025-ivo-beslut.xlsx"
    )
    trend = {"key": "trend", "caption": "Antal kvalitetsavvikelser 2021–2025 per verksamhetsområde"}
    assert (
        export_filename("statistik", 2025, trend)
        == "statistik-2025-antal-kvalitetsavvikelser-2021-2025-per-verksamhetsomrade.xlsx"
    )


@pytest.mark.django_db
def test_statistics_download_has_a_swedish_name_dates_and_widths(org, login):
    block = next(i for i, (t, _p) in enumerate(STAT_BLOCKS) if t == "lexsarah")
    client = login(org.users["quality"])
    params = {"unit": org.units["ASF"].pk, "year": 2025, "period_start_month": 1, "block": block}
    names = set()
    for table in range(3):
        response = client.get("/rapporter/statistik/xlsx/", {**params, "table": table})
        assert response.status_code == 200
        names.add(response["Content-Disposition"])
        ws = _book(response.content).active
        assert len(ws.title) <= 31 and ws.title != "Data"
        assert ws.column_dimensions["A"].width >= 8
    assert 'attachment; filename="statistik-2025-ivo-beslut.xlsx"' in names
    assert not any("_" in n for n in names)
