"""Imported historic cases count in the kvalitetsberättelse blocks and on the statistics page,
in the year they were received (or closed / AU-handled, by each block's rule).

The file spreads complaints (both sources), deviations and lex Sarah reports over 2023–2025 on
the org fixture's units (ASF › A › A1, A2; B › B1). Expected counts are written beside the rows.
"""

import pytest

from cases.imports import import_cases_file
from cases.models import Case
from cases.selectors import cases_visible_to
from reports.editions.blocks import BlockScope, compute_block

from .conftest import case_file

pytestmark = pytest.mark.django_db


def _u(ref, unit, inkom, **kw):
    return {
        "typ": "klagomal_utomstaende",
        "extern_referens": ref,
        "enhet": unit,
        "inkom": inkom,
        **kw,
    }


def _p(ref, unit, inkom, **kw):
    return {"typ": "klagomal_personal", "extern_referens": ref, "enhet": unit, "inkom": inkom, **kw}


def _d(ref, unit, inkom, **kw):
    return {"typ": "avvikelse", "extern_referens": ref, "enhet": unit, "inkom": inkom, **kw}


def _l(ref, unit, inkom, **kw):
    return {"typ": "lex_sarah", "extern_referens": ref, "enhet": unit, "inkom": inkom, **kw}


HISTORY = [
    # Klagomål från utomstående: 2025 → 3 (A 2, B 1), 2024 → 2 (A 1, B 1), 2023 → 1 (A).
    _u("U-1", "A1", "2025-01-01", avslutad="2025-02-01", amnen="bemotande|information"),
    _u("U-2", "A1", "2025-06-15", amnen="bemotande", klagomalstyp="klagomal"),
    _u("U-3", "B1", "2025-12-31"),
    _u("U-4", "A2", "2024-12-31", amnen="information"),
    _u("U-5", "B1", "2024-03-03"),
    _u("U-6", "A1", "2023-05-05"),
    # Klagomål från personal: 2025 → 1, 2024 → 2.
    _p("P-1", "A2", "2025-02-02"),
    _p("P-2", "A1", "2024-02-02"),
    _p("P-3", "B1", "2024-09-09"),
    # Kvalitetsavvikelser: 2025 → 2, 2024 → 1, 2023 → 3. Closed in the analysis period
    # 1 Jun 2024 – 31 May 2025: D-1 and D-2 (D-3 closes after it).
    _d(
        "D-1",
        "A1",
        "2025-01-10",
        avslutad="2025-03-01",
        brister="dokumentation|processer-rutiner",
        orsaker="kunskap",
        atgarder="kompetens",
    ),
    _d("D-2", "B1", "2025-04-10", avslutad="2025-05-31", brister="dokumentation"),
    _d("D-3", "A2", "2024-11-11", avslutad="2025-07-01", brister="bemotande"),
    _d("D-4", "B1", "2023-02-15"),
    _d("D-5", "B1", "2023-06-15"),
    _d("D-6", "A1", "2023-10-15"),
    # Lex Sarah: received 2025 → 1, 2024 → 2, 2023 → 1; AU-handled with a finding
    # 2025 → 2 (L-1, L-2), 2024 → 0, 2023 → 1; IVO notified and decided 2025 → 1.
    _l(
        "L-1",
        "A1",
        "2025-01-20",
        bedomning="missforhallande",
        au_datum="2025-03-01",
        ivo_anmald="2025-03-05",
        ivo_beslut_datum="2025-06-01",
        ivo_beslut="kritik",
    ),
    _l("L-2", "B1", "2024-11-20", bedomning="allvarligt", au_datum="2025-02-01"),
    _l("L-3", "B1", "2024-05-05", bedomning="inget", au_datum="2024-06-01"),
    _l("L-4", "A2", "2023-03-03", bedomning="risk", au_datum="2023-04-04"),
]


@pytest.fixture
def imported(org):
    result = import_cases_file(case_file(HISTORY), "lifecare.csv", user=org.users["quality"])
    assert result.created == len(HISTORY)
    return result


def _scope(org, user="quality", unit="ASF", year=2025):
    return BlockScope(unit=org.units[unit], year=year, cases=cases_visible_to(org.users[user]))


def _table(result, key):
    return next(t for t in result["tables"] if t["key"] == key)


def test_reference_years_follow_the_received_date(org, imported):
    refs = dict(Case.objects.values_list("external_reference", "reference"))
    assert refs["U-4"] == "KS-2024-0004"  # 2024: P-2, U-5, P-3, U-4 by received date
    assert refs["U-1"] == "KS-2025-0001" and refs["U-3"] == "KS-2025-0004"
    assert refs["D-4"] == "AV-2023-0001" and refs["L-2"] == "LS-2024-0002"


def test_counts_with_previous_year_in_parentheses(org, imported):
    scope = _scope(org)
    sentences = {
        key: compute_block("case_count", params, scope)["sentences"][0]
        for key, params in {
            "ext": {"kind": "complaint", "source": "utomstaende"},
            "staff": {"kind": "complaint", "source": "personal"},
            "dev": {"kind": "deviation"},
            "ls": {"kind": "lexsarah"},
        }.items()
    }
    assert sentences == {
        "ext": "Fler klagomål och synpunkter från utomstående har tagits emot 2025 än 2024, 3 (2).",
        "staff": "Färre klagomål och synpunkter från personal har inkommit 2025 än 2024, 1 (2).",
        "dev": "Fler kvalitetsavvikelser har inkommit 2025 än 2024, 2 (1).",
        "ls": "Färre rapporter om missförhållanden och risker för missförhållanden har inkommit "
        "2025 än 2024, 1 (2).",
    }
    # The 2024 report counts the same imported rows as its own year.
    ext_2024 = compute_block(
        "case_count", {"kind": "complaint", "source": "utomstaende"}, _scope(org, year=2024)
    )
    assert ext_2024["sentences"] == [
        "Fler klagomål och synpunkter från utomstående har tagits emot 2024 än 2023, 2 (1)."
    ]


def test_five_year_trend_holds_the_imported_years(org, imported):
    ext = compute_block("case_trend", {"kind": "complaint", "source": "utomstaende"}, _scope(org))
    t = _table(ext, "trend")
    assert t["headers"][1:] == ["2021", "2022", "2023", "2024", "2025"]
    assert {r[0]: r[1:] for r in t["rows"]} == {
        "Avdelning A": [0, 0, 1, 1, 2],
        "Avdelning B": [0, 0, 0, 1, 1],
    }
    assert t["total"][1:] == [0, 0, 1, 2, 3]
    dev = _table(compute_block("case_trend", {"kind": "deviation"}, _scope(org)), "trend")
    assert {r[0]: r[1:] for r in dev["rows"]} == {
        "Avdelning A": [0, 0, 1, 1, 1],
        "Avdelning B": [0, 0, 2, 0, 1],
    }
    assert dev["total"][1:] == [0, 0, 3, 1, 2]


def test_distributions_use_the_imported_codes(org, imported):
    scope = _scope(org)
    topics = compute_block(
        "case_distribution",
        {
            "kind": "complaint",
            "source": "utomstaende",
            "dimension": "complaint_topic",
            "rule": "received",
            "period": "report",
        },
        scope,
    )
    counts = {r[0]: r[1] for r in _table(topics, "complaint_topic")["rows"] if r[1]}
    assert counts == {"Bemötande": 2, "Information": 1, "Ej angivet": 1}  # U-3 has no topic
    types = compute_block(
        "case_distribution",
        {
            "kind": "complaint",
            "dimension": "complaint_type",
            "rule": "received",
            "period": "report",
        },
        scope,
    )
    counts = {r[0]: r[1] for r in _table(types, "complaint_type")["rows"] if r[1]}
    assert counts == {"Klagomål": 1, "Okänd typ (importerad)": 3}
    deficiency = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "deficiency", "rule": "closed"},
        scope,
    )
    counts = {r[0]: r[1] for r in _table(deficiency, "deficiency")["rows"] if r[1]}
    assert counts == {"Dokumentation": 2, "Processer och rutiner": 1}
    assert deficiency["figures"][0]["value"] == 2
    causes = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "root_cause", "rule": "closed"},
        scope,
    )
    assert {r[0]: r[1] for r in _table(causes, "root_cause")["rows"] if r[1]} == {
        "Kunskap": 1,
        "Ej angivet": 1,
    }  # D-2 has no cause
    measures = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "measure_type", "rule": "closed"},
        scope,
    )
    assert {r[0]: r[1] for r in _table(measures, "measure_type")["rows"] if r[1]} == {
        "Kompetens": 1
    }


def test_lexsarah_block_counts_imported_au_and_ivo_dates(org, imported):
    r = compute_block("lexsarah", {}, _scope(org))
    assert r["sentences"] == [
        "Färre rapporter om missförhållanden och risker för missförhållanden har inkommit 2025 "
        "än 2024, 1 (2).",
        "Arbetsutskottet har behandlat 2 lex Sarah-rapporter 2025 (2024: 0, 2023: 1) där "
        "utredningen har bedömt att ett missförhållande eller en påtaglig risk för "
        "missförhållande har förelegat.",
        "Beslut om anmälan till IVO har fattats för 1 rapporter 2025.",
    ]
    assessed = {r[0]: r[1] for r in _table(r, "lexsarah_assessment")["rows"]}
    assert assessed["Missförhållande"] == 1 and assessed["Allvarligt missförhållande"] == 1
    assert {r[0]: r[1] for r in _table(r, "ivo_decisions")["rows"] if r[1]} == {"Kritik": 1}


def test_statistics_page_shows_the_imported_years(org, imported, login):
    page = login(org.users["quality"]).get(
        "/rapporter/statistik/",
        {"unit": org.units["ASF"].pk, "year": 2025, "period_start_month": 1},
    )
    assert page.status_code == 200
    html = page.content.decode()
    for sentence in (
        "Fler klagomål och synpunkter från utomstående har tagits emot 2025 än 2024, 3 (2).",
        "Färre klagomål och synpunkter från personal har inkommit 2025 än 2024, 1 (2).",
        "Fler kvalitetsavvikelser har inkommit 2025 än 2024, 2 (1).",
        "Arbetsutskottet har behandlat 2 lex Sarah-rapporter 2025 (2024: 0, 2023: 1)",
    ):
        assert sentence in html
    assert '<th scope="col" class="n">2023</th>' in html  # trend header holds 2023


def test_statistics_page_for_a_chef_counts_only_their_unit(org, imported, login):
    page = login(org.users["chef_a1"]).get(
        "/rapporter/statistik/", {"unit": org.units["A1"].pk, "year": 2025, "period_start_month": 1}
    )
    html = page.content.decode()
    # A1 only: U-1, U-2 in 2025, none in 2024 (U-4 is A2's).
    assert (
        "Fler klagomål och synpunkter från utomstående har tagits emot 2025 än 2024, 2 (0)." in html
    )
    assert "Avdelning B" not in html and "Sektion B1" not in html
