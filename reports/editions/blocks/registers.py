"""Appendix registers (seed 001's "Bilaga 1. Riskanalyser", "Bilaga 2. Egenkontroller"): every
riskanalys, egenkontroll and supervisory decision of the report year in the subtree, one row
each, grouped by verksamhetsområde. Titles, dates and assessments only: no free text, no
names (the items marked for the report are described in the main text)."""

from typing import Any

from django.db.models import F
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.supervision.models import Authority, SupervisionDecision
from riskanalysis.models import RiskAnalysis
from selfcontrol.models import RunResult, SelfControlRun

from .base import BlockScope, add_figure, add_table, group_depth, new_result, unit_labels


def _register(
    scope: BlockScope,
    result: dict,
    rows: list[dict],
    headers: list[str],
    columns: list[str],
) -> None:
    """rows: {group, item, <columns>}. An item in several verksamhetsområden is listed under
    each (the reader looks for their own area); the figure counts it once."""
    labels = unit_labels(scope)
    seen: set[tuple[str, int]] = set()
    table_rows: list[list[Any]] = []
    for row in rows:
        group = labels.get(row["group"], scope.unit.name)
        if (group, row["item"]) in seen:
            continue
        seen.add((group, row["item"]))
        table_rows.append([group] + [row[c] for c in columns])
    table_rows.sort(key=lambda r: (r[0], str(r[2]), str(r[1])))
    table = add_table(
        result,
        key=result["block_type"],
        caption=result["title"],
        headers=[_("Verksamhetsområde")] + headers,
        rows=table_rows,
        total=False,
    )
    table["text"] = True  # every column is text: left-aligned, no zero collapsing
    add_figure(result, result["title"], len({row["item"] for row in rows}))


def _length(scope: BlockScope, params: dict) -> int:
    return MP_Node.steplen * group_depth(scope, params.get("group_kind", "verksamhetsomrade"))


def block_riskanalysis_register(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    result = new_result(
        "riskanalysis_register", _("Riskanalyser %(p)s") % {"p": period.label}, "performed", period
    )
    through = RiskAnalysis.units.through.objects.filter(
        riskanalysis__analysed_on__gte=period.start,
        riskanalysis__analysed_on__lt=period.end,
        unit__path__startswith=scope.unit.path,
    )
    rows = list(
        through.annotate(group=Substr("unit__path", 1, _length(scope, params)))
        .values(
            "group",
            item=F("riskanalysis_id"),
            title=F("riskanalysis__title"),
            day=F("riskanalysis__analysed_on"),
        )
        .distinct()
        .order_by("day", "item")
    )
    for row in rows:
        row["day"] = row["day"].isoformat()
    _register(scope, result, rows, [_("Riskanalys"), _("Datum")], ["title", "day"])
    return result


def block_selfcontrol_register(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    result = new_result(
        "selfcontrol_register", _("Egenkontroller %(p)s") % {"p": period.label}, "performed", period
    )
    labels = dict(RunResult.choices)
    runs = SelfControlRun.objects.filter(
        period_end__gte=period.start,
        period_end__lt=period.end,
        plan__responsible_unit__path__startswith=scope.unit.path,
    )
    rows = list(
        runs.annotate(group=Substr("plan__responsible_unit__path", 1, _length(scope, params)))
        .values(
            "group", "result", "period_start", "period_end", item=F("id"), title=F("plan__area")
        )
        .order_by("period_start", "item")
    )
    for row in rows:
        row["when"] = f"{row['period_start']:%Y-%m-%d}–{row['period_end']:%Y-%m-%d}"
        row["assessment"] = str(labels.get(row["result"], "")) or "–"
    _register(
        scope,
        result,
        rows,
        [_("Egenkontroll"), _("Period"), _("Bedömning")],
        ["title", "when", "assessment"],
    )
    return result


def block_supervision_register(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    result = new_result(
        "supervision_register",
        _("Beslut från tillsynsmyndigheter %(p)s") % {"p": period.label},
        "decided",
        period,
    )
    decisions = SupervisionDecision.objects.filter(
        decided_on__gte=period.start,
        decided_on__lt=period.end,
        supervision__units__path__startswith=scope.unit.path,
    )
    rows = list(
        decisions.annotate(group=Substr("supervision__units__path", 1, _length(scope, params)))
        .values(
            "group",
            "decided_on",
            "deficiencies_found",
            item=F("id"),
            title=F("supervision__title"),
            authority=F("supervision__authority"),
        )
        .distinct()
        .order_by("decided_on", "item")
    )
    for row in rows:
        # The short name (IVO, JO, JK): the full name is in the appendix heading's sentence.
        row["who"] = row["authority"].upper()
        row["day"] = row["decided_on"].isoformat()
        row["found"] = _("Ja") if row["deficiencies_found"] else _("Nej")
    result["sentences"].append(
        _("Myndigheter: %(names)s.") % {"names": "; ".join(str(a.label) for a in Authority)}
    )
    _register(
        scope,
        result,
        rows,
        [_("Beslut"), _("Datum"), _("Myndighet"), _("Brister")],
        ["title", "day", "who", "found"],
    )
    return result
