"""Importing historic cases: exact rows, all-or-nothing, idempotent, dry run."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.imports import ImportError_, import_cases_file, import_units_file
from cases.models import Case, Code, Measure, Unit

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"
HEADER = (
    "typ;extern_referens;enhet;inkom;handelse;avslutad;rubrik;beskrivning;kategori;brister;"
    "orsaker;amnen;atgarder;avvikelse_konstaterad;bedomning;au_datum;ivo_anmald;"
    "ivo_beslut_datum;ivo_beslut\n"
)


def _import_examples(**kwargs):
    return import_cases_file(
        (EXAMPLES / "arenden.csv").read_bytes(),
        "arenden.csv",
        user=None,
        units_data=(EXAMPLES / "enheter.csv").read_bytes(),
        units_filename="enheter.csv",
        **kwargs,
    )


def test_example_files_import_exactly_their_rows():
    result = _import_examples()
    assert result.created == 4 and result.units_created == 4
    child, parent = Unit.objects.get(code="IFO-BU-1"), Unit.objects.get(code="IFO-BU")
    assert child.path.startswith(parent.path) and child.depth == parent.depth + 1
    dev = Case.objects.get(external_reference="LC-2022-017")
    assert dev.kind == "deviation" and dev.reference == "AV-2022-0001"
    assert dev.unit.code == "IFO-BU-1"
    assert str(dev.occurred_on) == "2022-05-06"
    assert dev.closed_at is not None and dev.status == "avslutad"
    assert dev.event_category.code == "handlaggning"
    assert sorted(
        Measure.objects.filter(case=dev).values_list("measure_type__code", flat=True)
    ) == ["kompetens", "processer"]
    open_case = Case.objects.get(external_reference="LC-2021-002")
    assert open_case.closed_at is None and open_case.status == "inkommen"
    history = dev.history.first()
    assert history.history_change_reason == "Import från arenden.csv"


def test_reimport_creates_no_duplicates():
    _import_examples()
    again = _import_examples()
    assert again.created == 0 and again.skipped == 4
    assert Case.objects.count() == 4


def test_dry_run_writes_nothing():
    result = _import_examples(dry_run=True)
    assert result.created == 4
    assert Case.objects.count() == 0 and not Unit.objects.filter(code="SOC").exists()


def test_one_bad_row_among_thousands_rejects_the_file():
    _import_examples()
    lines = [HEADER]
    for i in range(3000):
        inkom = "2024-13-01" if i == 1234 else "2024-02-01"
        lines.append(f"avvikelse;BULK-{i};IFO-BU-1;{inkom};;;Rubrik {i};Text;;;;;;;;;;;\n")
    data = "".join(lines).encode()
    with pytest.raises(ImportError_) as exc:
        import_cases_file(data, "stor.csv", user=None)
    assert [str(e) for e in exc.value.errors] == [
        "Rad 1236, kolumn inkom: ”2024-13-01” är inget giltigt datum (använd ÅÅÅÅ-MM-DD)"
    ]
    assert not Case.objects.filter(external_reference__startswith="BULK-").exists()


def test_unknown_codes_are_errors_unless_create_codes():
    import_units_file((EXAMPLES / "enheter.csv").read_bytes(), "enheter.csv", user=None)
    data = (HEADER + "avvikelse;X-1;IFO-BU-1;2024-01-05;;;R;T;;ny-brist;;;;;;;;;\n").encode()
    with pytest.raises(ImportError_) as exc:
        import_cases_file(data, "x.csv", user=None)
    assert "okänd kod ”ny-brist”" in str(exc.value.errors[0])
    result = import_cases_file(data, "x.csv", user=None, create_codes=True)
    assert result.created == 1
    assert Code.objects.get(codelist="deficiency", code="ny-brist").active is False


def test_errors_name_row_and_column_in_swedish():
    import_units_file((EXAMPLES / "enheter.csv").read_bytes(), "enheter.csv", user=None)
    data = (
        HEADER
        + "okand;A;IFO-BU-1;2024-01-05;;;R;T;;;;;;;;;;;\n"
        + "avvikelse;;SAKNAS;;;;R;T;;;;;;;;;;;\n"
        + "avvikelse;B;IFO-BU-1;2024-02-05;;2024-01-01;R;T;;;;;;ja;;;;;\n"
    ).encode()
    with pytest.raises(ImportError_) as exc:
        import_cases_file(data, "fel.csv", user=None)
    messages = [str(e) for e in exc.value.errors]
    assert messages[0].startswith("Rad 2, kolumn typ: ”okand” är ingen giltig typ")
    assert "Rad 3, kolumn extern_referens: saknas" in messages
    assert "Rad 3, kolumn enhet: enheten ”SAKNAS” finns inte" in messages
    assert "Rad 3, kolumn inkom: saknas" in messages
    assert "Rad 4, kolumn avslutad: ligger före inkom" in messages
    assert "Rad 4, kolumn avvikelse_konstaterad: gäller bara klagomål" in messages


def test_xlsx_with_same_columns_imports(tmp_path):
    from openpyxl import Workbook

    import_units_file((EXAMPLES / "enheter.csv").read_bytes(), "enheter.csv", user=None)
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(";"))
    ws.append(
        ["avvikelse", "XL-1", "IFO-BU-1", "2025-03-01", None, None, "Från Excel", "Text"]
        + [None] * 11
    )
    path = tmp_path / "arenden.xlsx"
    wb.save(path)
    result = import_cases_file(path.read_bytes(), "arenden.xlsx", user=None)
    assert result.created == 1
    assert Case.objects.get(external_reference="XL-1").title == "Från Excel"


def test_command_reports_errors_and_dry_run(capsys):
    with pytest.raises(CommandError, match="Inget sparades"):
        call_command("import_cases", str(EXAMPLES / "arenden.csv"))  # units missing
    call_command(
        "import_cases",
        str(EXAMPLES / "arenden.csv"),
        "--units",
        str(EXAMPLES / "enheter.csv"),
        "--dry-run",
    )
    assert "Torrkörning: skulle skapa 4 ärenden" in capsys.readouterr().out
    assert Case.objects.count() == 0
