"""The SPC data block (issue 17 point 4) over a planted shift and a stable series."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from reports.editions.blocks import BlockScope, compute_block
from reports.editions.blocks.spc import series_signals
from tests.reports.spc_data import SHIFTED, plant_all


def scope(org, year=2025):
    return BlockScope(unit=org.units["ASF"], year=year, cases=Case.objects.all())


def test_planted_shift_gives_the_sentence_and_stable_series_none(org):
    plant_all(org)
    r = compute_block("spc", {}, scope(org))
    assert r["sentences"][0] == (
        "Antalet kvalitetsavvikelser inom Avdelning A har ökat: 9 månader i följd över "
        "medianen sedan april 2025."
    )
    assert not any("Avdelning B" in s for s in r["sentences"])
    table = r["tables"][0]
    assert {row[0] for row in table["rows"]} == {"Avdelning A"}
    assert table["total"] is None
    # One chart, for the series with a signal, with its values as a text alternative.
    assert len(r["charts"]) == 1
    chart = r["charts"][0]
    assert "<title" in chart["svg"] and "<desc" in chart["svg"] and "<script" not in chart["svg"]
    assert [row[1] for row in chart["data_table"]["rows"]] == SHIFTED
    assert "april 2025" in chart["data_table"]["rows"][15][0]
    assert any("u-diagram" in n for n in r["notes"])


def test_stable_only_says_no_signal(org):
    plant_all(org)
    r = compute_block("spc", {"kind": "complaint"}, scope(org))
    assert r["sentences"] == [
        "Inga signaler om förändring januari 2024–december 2025: antalet ärenden per månad "
        "varierar slumpmässigt kring medianen."
    ]
    assert r["charts"] == []
    assert compute_block("spc", {"kind": "complaint", "charts": "all"}, scope(org))["charts"]


def test_one_grouped_query_for_the_series(org):
    plant_all(org)
    s = scope(org)
    series_signals(s, {})  # warms the unit-label and grouping-level lookups
    with CaptureQueriesContext(connection) as ctx:
        data = series_signals(s, {"kind": "deviation"})
    # only the month × unit × type counts: the grouping level and the labels are cached per
    # scope since the statistics work (issue 16)
    assert len(ctx.captured_queries) == 1
    assert "GROUP BY" in ctx.captured_queries[-1]["sql"]
    assert [x["values"] for x in data["series"]] == [SHIFTED]


def test_partial_year_stops_at_last_complete_month(org):
    # The clock is pinned to 16 November 2026: the 2026 window ends in October 2026.
    r = compute_block("spc", {}, scope(org, year=2026))
    assert r["period_label"] == "november 2024–oktober 2026"
