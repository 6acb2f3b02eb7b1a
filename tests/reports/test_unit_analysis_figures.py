"""Prepared figures: closing-date rule with Stockholm boundaries, previous period, unit rule,
multi-label counting, and the roll-up equal to the sum of the unit analyses."""

import pytest

from cases.services.cases import case_update
from reports.analysis.figures import NOT_GIVEN
from reports.analysis.models import UnitAnalysis
from reports.analysis.selectors import analysis_figures, round_analyses, round_rollup
from tests.reports.unit_analysis_data import (
    complaint,
    deviation,
    lexsarah,
    local,
    open_2025,
    table,
    total,
)

pytestmark = pytest.mark.django_db


def _analysis(analysis_round, unit):
    return UnitAnalysis.objects.select_related("round", "unit").get(round=analysis_round, unit=unit)


def test_round_has_one_analysis_per_unit_led_by_a_chef(org):
    analysis_round = open_2025(org)
    units = set(analysis_round.analyses.values_list("unit__code", flat=True))
    assert units == {"A1", "A", "B1"}
    assert _analysis(analysis_round, org.units["A1"]).chef == org.users["chef_a1"]
    assert (analysis_round.period_start.isoformat(), analysis_round.period_end.isoformat()) == (
        "2024-06-01",
        "2025-05-31",
    )


def test_counts_by_closing_date_with_stockholm_boundaries(org):
    a1 = org.units["A1"]
    deviation(a1, local(2025, 5, 31, 23, 30))  # 21:30 UTC: still in the period
    deviation(a1, local(2025, 6, 1, 0, 10))  # next period: not counted at all
    deviation(a1, local(2024, 6, 1, 0, 10))  # first minutes of the period
    deviation(a1, local(2024, 5, 31, 23, 30))  # previous period
    deviation(a1, local(2023, 6, 1, 0, 0))  # previous period, first instant
    deviation(a1, local(2023, 5, 31, 23, 59))  # before both periods
    deviation(a1, None)  # still open: never counted
    figures = analysis_figures(_analysis(open_2025(org), a1))
    assert table(figures, "types")["deviation"] == (2, 2)
    assert total(figures, "types") == (2, 2)


def test_types_compared_with_previous_period(org):
    a1 = org.units["A1"]
    complaint(a1, local(2025, 1, 1))
    complaint(a1, local(2025, 2, 1))
    complaint(a1, local(2024, 2, 1))
    complaint(a1, local(2025, 3, 1), source="personal")
    complaint(a1, local(2024, 3, 1), source="personal")
    complaint(a1, local(2024, 4, 1), source="personal")
    lexsarah(a1, local(2024, 12, 24))
    deviation(a1, local(2024, 9, 9))
    rows = table(analysis_figures(_analysis(open_2025(org), a1)), "types")
    assert rows == {
        "complaint_external": (2, 1),
        "complaint_staff": (1, 2),
        "deviation": (1, 0),
        "lexsarah": (1, 0),
    }


def test_case_counts_on_the_unit_it_is_registered_on_now(org):
    a1, b1 = org.units["A1"], org.units["B1"]
    moved = deviation(a1, local(2025, 1, 15))
    analysis_round = open_2025(org)
    case_update(
        case=moved,
        expected_version=moved.version,
        data={"unit": b1},
        actor=org.users["quality"],
        reason="Fel enhet",
    )
    assert table(analysis_figures(_analysis(analysis_round, a1)), "types")["deviation"] == (0, 0)
    assert table(analysis_figures(_analysis(analysis_round, b1)), "types")["deviation"] == (1, 0)


def test_sub_unit_with_own_analysis_is_not_counted_twice(org):
    deviation(org.units["A1"], local(2025, 1, 1))
    deviation(org.units["A2"], local(2025, 1, 1))
    deviation(org.units["A"], local(2025, 1, 1))
    analysis_round = open_2025(org)
    # A's analysis covers A and A2; A1 has its own.
    assert table(analysis_figures(_analysis(analysis_round, org.units["A"])), "types")[
        "deviation"
    ] == (2, 0)
    assert table(analysis_figures(_analysis(analysis_round, org.units["A1"])), "types")[
        "deviation"
    ] == (1, 0)


def test_multi_label_categories_count_per_label_and_blank_as_ej_angivet(org):
    a1 = org.units["A1"]
    deviation(
        a1,
        local(2025, 1, 1),
        event="dokumentation",
        deficiencies=["processer-rutiner", "dokumentation"],
        causes=["rutin-ej-foljd", "kunskap"],
        measures=["processer", "kompetens"],
    )
    deviation(
        a1,
        local(2025, 2, 1),
        event="dokumentation",
        deficiencies=["dokumentation"],
        causes=["kunskap"],
        measures=[None],
    )
    deviation(a1, local(2025, 3, 1))  # nothing categorised
    deviation(a1, local(2024, 3, 1), deficiencies=["dokumentation"])  # previous period
    complaint(a1, local(2025, 4, 1), topics=["bemotande", "information"])
    complaint(a1, local(2025, 4, 2))
    figures = analysis_figures(_analysis(open_2025(org), a1))
    assert table(figures, "deficiency") == {
        "processer-rutiner": (1, 0),
        "dokumentation": (2, 1),
        NOT_GIVEN: (1, 0),
    }
    assert total(figures, "deficiency") == (4, 1)  # per label: more than the 3 deviations
    assert table(figures, "root_cause") == {
        "rutin-ej-foljd": (1, 0),
        "kunskap": (2, 0),
        NOT_GIVEN: (1, 1),
    }
    assert table(figures, "measure_type") == {
        "processer": (1, 0),
        "kompetens": (1, 0),
        NOT_GIVEN: (1, 0),
    }
    assert table(figures, "complaint_topic") == {
        "bemotande": (1, 0),
        "information": (1, 0),
        NOT_GIVEN: (1, 0),
    }
    # Event category is single-label over all types: 2 documented, 4 blank (3 + 1 previous).
    assert table(figures, "event_category") == {"dokumentation": (2, 0), NOT_GIVEN: (3, 1)}
    labels = {r["key"]: r["label"] for t in figures["tables"] for r in t["rows"]}
    assert labels[NOT_GIVEN] == "Ej angivet"


def test_rollup_equals_the_sum_of_the_unit_analyses(org):
    u = org.units
    deviation(u["A1"], local(2025, 1, 1), deficiencies=["dokumentation"], measures=["processer"])
    deviation(u["A2"], local(2024, 8, 1), deficiencies=["dokumentation", "bemotande"])
    deviation(u["B1"], local(2024, 1, 1), causes=["kunskap"])
    complaint(u["B1"], local(2025, 5, 1), topics=["beslut"])
    lexsarah(u["A"], local(2025, 2, 2))
    analysis_round = open_2025(org)
    analyses = list(round_analyses(org.users["quality"], analysis_round))
    rollup = round_rollup(analyses)
    per_unit = [analysis_figures(a) for a in analyses]
    for summed in rollup["tables"]:
        expected: dict = {}
        for fig in per_unit:
            for key, value in table(fig, summed["key"]).items():
                cur, prev = expected.get(key, (0, 0))
                expected[key] = (cur + value[0], prev + value[1])
        assert {r["key"]: (r["current"], r["previous"]) for r in summed["rows"]} == expected
        assert summed["total"]["current"] == sum(v[0] for v in expected.values())
    types = next(t for t in rollup["tables"] if t["key"] == "types")
    assert types["total"] == {"current": 4, "previous": 1}
    deficiency = {
        r["key"]: r["current"]
        for r in next(t for t in rollup["tables"] if t["key"] == "deficiency")["rows"]
    }
    # B1's deviation of the previous period has no deficiency: a blank row, 0 this period.
    assert deficiency == {"dokumentation": 2, "bemotande": 1, NOT_GIVEN: 0}
