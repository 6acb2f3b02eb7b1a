"""Signals and cross-type patterns for one unit analysis (issue 17 points 4 and 5): the same
rules as the kvalitetsberättelse's SPC and pattern blocks, over the analysis's own cases (its
subtree minus the sub-units analysed on their own, like its figures). Computed live, also for
a submitted analysis: they describe the months up to the period's end, not the submission."""

from cases.models import Case
from reports import spc
from reports.editions.blocks.charts import svg_data_uri
from reports.editions.blocks.patterns import CHANNELS, patterns
from reports.editions.blocks.spc import (
    KIND_LABELS,
    NOUNS,
    month_label,
    monthly_counts,
    signal_sentence,
    spc_chart,
    window,
)

from .figures import scope_q
from .models import UnitAnalysis
from .selectors import analysis_period, excluded_paths


def analysis_signals(analysis: UnitAnalysis) -> dict:
    """Two queries: the months × case type counts, and the three channels' categories."""
    period, excluded = analysis_period(analysis), excluded_paths(analysis)
    unit = analysis.unit
    cases = Case.objects.filter(scope_q(unit.path, excluded))
    months = window(period.end, 24)
    counts = monthly_counts(cases, months, len(unit.path))
    series, charts = [], []
    for kind in NOUNS:
        values = counts.get((unit.path, kind))
        if values is None:
            continue
        found = spc.signals(values)
        s = {
            "group": unit.name,
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "values": values,
            "signals": found,
            "sentences": [
                signal_sentence(NOUNS[kind], unit.name, x, months, values) for x in found
            ],
        }
        series.append(s)
        if found:
            chart = spc_chart(s, months)
            chart["uri"] = svg_data_uri(chart["svg"])
            charts.append(chart)
    rows = patterns(cases.filter(period.closed_q()), len(unit.path), {unit.path: unit.name})
    return {
        "span": f"{month_label(months[0])}–{month_label(months[-1])}",
        "sentences": [x for s in series for x in s["sentences"]],
        "charts": charts,
        "patterns": rows[0] if rows else None,
        "channels": [(c, CHANNELS[c][2]) for c in CHANNELS],
    }
