"""Hostile input to the import: it is either accepted or rejected with row/column errors,
never a crash, and a rejected file writes nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.imports import ImportError_, import_cases_file
from cases.models import Case

pytestmark = pytest.mark.django_db

HEADER = "typ;extern_referens;enhet;inkom;rubrik;beskrivning;brister\n"
hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "'; DROP TABLE cases_case; --",
            "\x00",
            '=HYPERLINK("http://x")',
            "\u202e",
            "a" * 5000,
            "2024-02-30",
            "|||",
        ]
    ),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    typ=st.sampled_from(["avvikelse", "lex_sarah", "okand", ""]),
    ref=hostile_text,
    inkom=st.one_of(st.dates().map(str), hostile_text),
    title=hostile_text,
    text=hostile_text,
    codes=hostile_text,
)
def test_hostile_rows_never_crash(org, typ, ref, inkom, title, text, codes):
    clean = [
        v.replace(";", ",").replace("\n", " ").replace("\r", " ").replace('"', "'")
        for v in (typ, ref, "A1", inkom, title, text, codes)
    ]
    data = (HEADER + ";".join(clean) + "\n").encode("utf-8", "surrogatepass")
    before = Case.objects.count()
    try:
        result = import_cases_file(data, "fuzz.csv", user=None)
    except ImportError_ as exc:
        assert exc.errors, "a rejection must name at least one error"
        assert all(e.row >= 1 and e.column for e in exc.errors)
        assert Case.objects.count() == before
    else:
        assert Case.objects.count() == before + result.created


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.binary(max_size=2000))
def test_random_bytes_are_rejected_cleanly(org, payload):
    try:
        import_cases_file(payload, "skrap.csv", user=None)
    except ImportError_ as exc:
        assert exc.errors
    assert Case.objects.count() == 0


@pytest.mark.parametrize("column", range(7))
def test_nul_byte_in_any_column_is_a_row_error(org, column):
    values = ["avvikelse", "REF-1", "A1", "2024-01-01", "Rubrik", "Text", ""]
    values[column] = values[column] + "\x00"
    with pytest.raises(ImportError_) as exc:
        import_cases_file((HEADER + ";".join(values) + "\n").encode(), "nul.csv", user=None)
    column_name = HEADER.strip().split(";")[column]
    assert any(e.column == column_name and e.row == 2 for e in exc.value.errors)
