"""Blocks for the rest of the quality work: supervisory decisions (IVO, JO, JK) counted by
decision date, riskanalyser and egenkontroller marked for the report grouped by avdelning,
and the development areas decided and followed up. Titles and the short summaries written for
the report are shown; no case free text, no names."""

from typing import Any

from django.db.models import F
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.supervision.models import Authority
from cases.supervision.selectors import supervision_counts
from riskanalysis.models import RiskAnalysis
from selfcontrol.models import RunResult, SelfControlRun

from .base import BlockScope, add_figure, add_table, fmt, group_depth, new_result, unit_labels


def block_supervision(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    authority = params.get("authority", "")
    title = (
        _("Beslut från %(a)s") % {"a": Authority(authority).label}
        if authority
        else _("Beslut från tillsynsmyndigheter")
    )
    result = new_result("supervision", title, "decided", period)
    counts = supervision_counts(start=period.start, end=period.last_day, unit=scope.unit)
    # The authority is named once (in the title, or by its short name in the row): the full
    # name on every row crowded the table.
    rows: list[list[Any]] = [
        [
            r.type_label if authority else f"{r.authority.upper()} – {r.type_label}",
            r.decisions,
            r.cases_with_deficiencies,
        ]
        for r in counts.rows
        if not authority or r.authority == authority
    ]
    headers = [
        _("Typ av tillsyn") if authority else _("Myndighet och typ av tillsyn"),
        _("Beslut"),
        _("Ärenden med konstaterade brister"),
    ]
    add_table(
        result,
        key="supervision",
        caption=title,
        headers=headers,
        rows=rows,
        total=[_("Totalt"), sum(r[1] for r in rows), sum(r[2] for r in rows)],
    )
    n = sum(r[1] for r in rows)
    result["sentences"].append(
        _("Förvaltningen har fått %(n)s beslut från %(who)s under %(period)s.")
        % {
            "n": fmt(n),
            "who": Authority(authority).label if authority else _("tillsynsmyndigheter"),
            "period": period.label,
        }
    )
    add_figure(result, title, n)
    if not authority and counts.deficiency_categories:
        add_table(
            result,
            key="supervision_deficiency",
            caption=_("Beslut med brister per bristområde"),
            headers=[_("Bristområde"), _("Beslut")],
            rows=[[label, k] for label, k in counts.deficiency_categories],
            note=_("Ett beslut kan ha flera bristområden."),
        )
    return result


def _grouped(scope: BlockScope, rows: list[dict], result: dict, noun: str, key: str) -> None:
    """rows: {group, item, ...}. Table per avdelning; an item covering several avdelningar is
    counted in each, so the distinct total is printed beside the table."""
    labels = unit_labels(scope)
    groups: dict[str, dict[int, dict]] = {}
    for row in rows:
        groups.setdefault(labels.get(row["group"], scope.unit.name), {})[row["item"]] = row
    distinct = len({row["item"] for row in rows})
    table_rows: list[list[Any]] = [[name, len(items)] for name, items in sorted(groups.items())]
    note = ""
    if sum(r[1] for r in table_rows) != distinct:
        note = _("En %(noun)s kan omfatta flera avdelningar; antal unika: %(n)s.") % {
            "noun": noun,
            "n": fmt(distinct),
        }
        result["notes"].append(note)
    add_table(
        result,
        key=key,
        caption=result["title"],
        headers=[_("Avdelning"), _("Antal")],
        rows=table_rows,
        note=note,
    )
    add_figure(result, result["title"], distinct)
    for name, items in sorted(groups.items()):
        result["items"].append(
            {
                "group": name,
                "entries": [
                    {"title": i["title"], "meta": i["meta"], "summary": i["summary"]}
                    for i in items.values()
                ],
            }
        )


def block_riskanalyses(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    result = new_result("riskanalyses", _("Riskanalyser"), "marked", period)
    length = MP_Node.steplen * group_depth(scope, params.get("group_kind", "avdelning"))
    through = RiskAnalysis.units.through.objects.filter(
        riskanalysis__include_in_report=True,
        riskanalysis__analysed_on__gte=period.start,
        riskanalysis__analysed_on__lt=period.end,
        unit__path__startswith=scope.unit.path,
    )
    rows = list(
        through.annotate(group=Substr("unit__path", 1, length))
        .values(
            "group",
            item=F("riskanalysis_id"),
            title=F("riskanalysis__title"),
            summary=F("riskanalysis__report_summary"),
            day=F("riskanalysis__analysed_on"),
        )
        .distinct()
        .order_by("day", "item")
    )
    for row in rows:
        row["meta"] = row["day"].isoformat()
    _grouped(scope, rows, result, _("riskanalys"), "riskanalyses")
    return result


def block_selfcontrols(scope: BlockScope, params: dict) -> dict:
    period = scope.period_for(scope.year)
    result = new_result("selfcontrols", _("Egenkontroller"), "marked", period)
    length = MP_Node.steplen * group_depth(scope, params.get("group_kind", "avdelning"))
    runs = SelfControlRun.objects.filter(
        include_in_report=True,
        period_end__gte=period.start,
        period_end__lt=period.end,
        plan__responsible_unit__path__startswith=scope.unit.path,
    )
    result_labels = dict(RunResult.choices)
    rows = list(
        runs.annotate(group=Substr("plan__responsible_unit__path", 1, length))
        .values(
            "group",
            "result",
            "period_start",
            "period_end",
            item=F("id"),
            title=F("plan__area"),
            method=F("plan__method__label"),
            summary=F("report_summary"),
        )
        .order_by("period_start", "item")
    )
    for row in rows:
        row["meta"] = " · ".join(
            filter(
                None,
                [
                    row["method"],
                    f"{row['period_start']:%Y-%m-%d}–{row['period_end']:%Y-%m-%d}",
                    str(result_labels.get(row["result"], "")),
                ],
            )
        )
    _grouped(scope, rows, result, _("egenkontroll"), "selfcontrols")
    return result


def block_development_areas(scope: BlockScope, params: dict) -> dict:
    from reports.selectors import development_areas_decided, development_areas_followed_up

    mode = params.get("mode", "followed_up")
    sub = bool(params.get("include_subunits", False))
    period = scope.period_for(scope.year)
    if mode == "decided":
        areas = development_areas_decided(scope.unit, scope.year, include_subunits=sub)
        title = _("Prioriterade utvecklingsområden %(y)s") % {"y": scope.year + 1}
    else:
        areas = development_areas_followed_up(scope.unit, scope.year, include_subunits=sub)
        title = _("Uppföljning av utvecklingsområden beslutade %(y)s") % {"y": scope.year - 1}
    result = new_result("development_areas", title, "decided", period)
    rows: dict[str, int] = {}
    for area in areas:
        rows[str(area.get_status_display())] = rows.get(str(area.get_status_display()), 0) + 1
        text = area.follow_up_text if mode != "decided" else area.background
        result["items"].append(
            {
                "group": "",
                "entries": [
                    {
                        "title": area.title,
                        "meta": str(area.get_status_display()),
                        "summary": text,
                        "actions": area.actions if mode == "decided" else "",
                    }
                ],
            }
        )
    add_table(
        result,
        key="development_areas",
        caption=title,
        headers=[_("Status"), _("Antal")],
        rows=[[k, v] for k, v in rows.items()],
    )
    add_figure(result, title, sum(rows.values()))
    return result
