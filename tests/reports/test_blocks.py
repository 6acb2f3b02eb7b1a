"""Each data block against the hand-built dataset (tests/reports/conftest.py)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from reports.editions.blocks import BlockScope, compute_block


def scope(org, year=2025, **kw):
    return BlockScope(unit=org.units["ASF"], year=year, cases=Case.objects.all(), **kw)


def table(result, key):
    return next(t for t in result["tables"] if t["key"] == key)


def rows(t):
    return {r[0]: r[1:] if len(r) > 2 else r[1] for r in t["rows"]}


def test_external_complaints_sentence_with_previous_year(org, dataset):
    r = compute_block("case_count", {"kind": "complaint", "source": "utomstaende"}, scope(org))
    assert r["sentences"] == [
        "Fler klagomål och synpunkter från utomstående har tagits emot 2025 än 2024, 5 (2)."
    ]
    assert r["rule_label"] == "inkomna"
    assert "1 januari–31 december 2025" in r["rule_text"]


def test_staff_complaints_equal_and_deviations_fewer(org, dataset):
    staff = compute_block("case_count", {"kind": "complaint", "source": "personal"}, scope(org))
    assert staff["sentences"] == [
        "Lika många klagomål och synpunkter från personal har inkommit 2025 som 2024, 1 (1)."
    ]
    dev = compute_block("case_count", {"kind": "deviation"}, scope(org))
    assert dev["sentences"] == ["Färre kvalitetsavvikelser har inkommit 2025 än 2024, 4 (6)."]


def test_period_boundaries_in_stockholm_time(org, dataset):
    r2026 = compute_block(
        "case_count", {"kind": "complaint", "source": "utomstaende"}, scope(org, year=2026)
    )
    assert r2026["figures"][0]["value"] == 1  # 2026-01-01 00:10 local
    assert r2026["figures"][1]["value"] == 5


def test_custom_year_1_september(org, dataset):
    # 1 Sep 2024 – 31 Aug 2025: external complaints 2025-01-01, 05-05, 03-03, 08-08 and
    # 2024-12-31 → 5; the year before (1 Sep 2023 – 31 Aug 2024): 2024-06-06 → 1.
    r = compute_block(
        "case_count",
        {"kind": "complaint", "source": "utomstaende"},
        scope(org, period_start=(9, 1)),
    )
    assert r["sentences"] == [
        "Fler klagomål och synpunkter från utomstående har tagits emot 2024/25 än 2023/24, 5 (1)."
    ]
    assert "1 september 2024–31 augusti 2025" in r["rule_text"]


def test_trend_per_area_sums_and_one_query(org, dataset):
    with CaptureQueriesContext(connection) as ctx:
        r = compute_block("case_trend", {"kind": "deviation"}, scope(org))
    t = table(r, "trend")
    assert t["headers"][1:] == ["2021", "2022", "2023", "2024", "2025"]
    # The moved case counts for A (registered on A2 now), not B.
    assert rows(t) == {"Avdelning A": [0, 0, 0, 0, 4], "Avdelning B": [0, 0, 0, 6, 0]}
    assert t["total"] == ["Totalt", 0, 0, 0, 6, 4]
    assert r["charts"][0]["svg"].startswith("<svg") and "<script" not in r["charts"][0]["svg"]
    case_queries = [q for q in ctx.captured_queries if "cases_case" in q["sql"]]
    assert len(case_queries) == 1


def test_distribution_single_label_with_blank(org, dataset):
    r = compute_block(
        "case_distribution",
        {
            "kind": "deviation",
            "dimension": "event_category",
            "rule": "closed",
            "period": "analysis",
        },
        scope(org),
    )
    t = table(r, "event_category")
    assert rows(t)["Brister i dokumentation"] == 2
    assert rows(t)["Ej angivet"] == 1
    assert t["total"] == ["Totalt", 3]
    assert sum(r_[1] for r_ in t["rows"]) == 3
    assert "1 juni 2024–31 maj 2025" in r["rule_text"]


def test_distribution_multi_label_counts_each_label(org, dataset):
    r = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "deficiency", "rule": "closed", "period": "analysis"},
        scope(org),
    )
    t = table(r, "deficiency")
    assert rows(t)["Processer och rutiner"] == 1
    assert rows(t)["Dokumentation"] == 2
    assert rows(t)["Ej angivet"] == 1
    assert t["total"] == ["Summa markeringar", 4]
    assert "flera" in t["note"] and "(3)" in t["note"]
    assert r["figures"][0]["value"] == 3


def test_measure_types_count_measures(org, dataset):
    r = compute_block(
        "case_distribution",
        {"kind": "deviation", "dimension": "measure_type", "rule": "closed", "period": "analysis"},
        scope(org),
    )
    t = table(r, "measure_type")
    assert rows(t)["Ej angivet"] == 1
    assert t["total"][1] == 3
    assert "2 av 3 ärenden" in t["note"]


def test_lexsarah_counts(org, dataset):
    r = compute_block("lexsarah", {}, scope(org))
    assert r["sentences"][0] == (
        "Fler rapporter om missförhållanden och risker för "
        "missförhållanden har inkommit 2025 än 2024, 2 (1)."
    )
    assert r["sentences"][1].startswith(
        "Arbetsutskottet har behandlat 2 lex Sarah-rapporter 2025 (2024: 0, 2023: 0)"
    )
    assert r["sentences"][2] == "Beslut om anmälan till IVO har fattats för 1 rapporter 2025."
    assessment = table(r, "lexsarah_assessment")
    assert rows(assessment)["Missförhållande"] == 1
    assert rows(assessment)["Allvarligt missförhållande"] == 1
    assert assessment["total"] == ["Totalt", 2]
    ivo = table(r, "ivo_decisions")
    assert rows(ivo)["Kritik"] == 1 and ivo["total"] == ["Totalt", 1]


def test_supervision_by_decision_date(org, dataset):
    r = compute_block("supervision", {}, scope(org))
    t = table(r, "supervision")
    assert t["total"] == ["Totalt", 1, 1]
    jo = compute_block("supervision", {"authority": "jo"}, scope(org))
    assert table(jo, "supervision")["total"] == ["Totalt", 0, 0]


def test_riskanalyses_grouped_by_avdelning(org, dataset):
    r = compute_block("riskanalyses", {}, scope(org))
    t = table(r, "riskanalyses")
    assert rows(t) == {"Avdelning A": 1, "Avdelning B": 1}
    assert "antal unika: 1" in t["note"]
    assert r["items"][0]["entries"][0]["title"] == "Riskanalys om barnavårdsutredningar"
    assert all(e["title"] != "Ej med" for g in r["items"] for e in g["entries"])


def test_selfcontrols_grouped_by_avdelning(org, dataset):
    r = compute_block("selfcontrols", {}, scope(org))
    assert rows(table(r, "selfcontrols")) == {"Avdelning A": 1}
    assert "Brister" in r["items"][0]["entries"][0]["meta"]


def test_statistics_respect_visibility(org, dataset):
    from cases.selectors import cases_visible_to

    chef = org.users["chef_b1"]
    s = BlockScope(unit=org.units["ASF"], year=2025, cases=cases_visible_to(chef))
    r = compute_block("case_count", {"kind": "complaint", "source": "utomstaende"}, s)
    assert r["figures"][0]["value"] == 2  # only B1's


def test_unknown_block_type_does_not_raise(org):
    r = compute_block("nope", {}, scope(org))
    assert r["error"] is True


def test_case_months_counts_in_local_months(org):
    """31 January 23:30 in Stockholm is 22:30 UTC: still January."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cases.models import Case
    from reports.editions.blocks import BlockScope, compute_block
    from tests.factories import make_case

    sthlm = ZoneInfo("Europe/Stockholm")
    make_case(org.units["A1"], "deviation", received_at=datetime(2026, 1, 31, 23, 30, tzinfo=sthlm))
    make_case(org.units["A1"], "deviation", received_at=datetime(2026, 2, 1, 0, 30, tzinfo=sthlm))
    make_case(
        org.units["B1"], "complaint", received_at=datetime(2025, 12, 31, 23, 59, tzinfo=sthlm)
    )
    scope = BlockScope(unit=org.units["ASF"], year=2026, cases=Case.objects.all())
    table = compute_block("case_months", {}, scope)["tables"][0]
    assert table["headers"] == [
        "Månad",
        "Klagomål och synpunkter",
        "Kvalitetsavvikelser",
        "Lex Sarah",
    ]
    assert table["rows"][0] == ["januari 2026", 0, 1, 0]
    assert table["rows"][1] == ["februari 2026", 0, 1, 0]
    assert table["total"] == ["Totalt", 0, 2, 0]
    july = BlockScope(
        unit=org.units["ASF"], year=2026, cases=Case.objects.all(), period_start=(7, 1)
    )
    rows = compute_block("case_months", {}, july)["tables"][0]["rows"]
    assert (
        rows[0][0] == "juli 2025"
        and rows[-1][0] == "juni 2026"
        and rows[5] == ["december 2025", 1, 0, 0]
    )
