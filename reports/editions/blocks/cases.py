"""Case blocks: a type's count with last year in parentheses, the five-year trend per
verksamhetsområde, and distributions by category, cause and measure type. All counting is
done by PostgreSQL (filter/annotate/aggregate); Python only shapes a few dozen result rows.
Cases are counted by their registered unit (Case.unit); the subtree is a path prefix."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Case as When_
from django.db.models import Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Substr, TruncMonth
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.models import CaseKind, Code, CodeList, Measure
from reports.editions.models import Period
from reports.editions.periods import MONTHS as MONTH_NAMES
from reports.editions.periods import datetime_range

from .base import (
    EJ_ANGIVET,
    BlockScope,
    add_figure,
    add_table,
    fmt,
    group_depth,
    new_result,
    unit_labels,
    year_label,
)
from .charts import bar_chart

# (noun phrase, verb when received, verb when closed) per kind/source.
SUBJECTS = {
    ("complaint", "utomstaende"): (
        "klagomål och synpunkter från utomstående",
        "har tagits emot",
        "har avslutats",
    ),
    ("complaint", "personal"): (
        "klagomål och synpunkter från personal",
        "har inkommit",
        "har avslutats",
    ),
    ("complaint", ""): ("klagomål och synpunkter", "har tagits emot", "har avslutats"),
    ("deviation", ""): ("kvalitetsavvikelser", "har inkommit", "har avslutats"),
    ("lexsarah", ""): (
        "rapporter om missförhållanden och risker för missförhållanden",
        "har inkommit",
        "har avslutats",
    ),
}
DATE_FIELD = {"received": "received_at", "closed": "closed_at"}


def subject(params: dict) -> tuple[str, str, str]:
    return SUBJECTS.get(
        (params.get("kind", "complaint"), params.get("source", "")), SUBJECTS[("complaint", "")]
    )


def kind_cases(scope: BlockScope, params: dict) -> QuerySet:
    qs = scope.subtree_cases.filter(kind=params.get("kind", CaseKind.COMPLAINT))
    if params.get("source"):
        qs = qs.filter(complaint__source=params["source"])
    return qs


def in_period(qs: QuerySet, rule: str, period) -> QuerySet:
    start, end = datetime_range(period)
    name = DATE_FIELD[rule]
    return qs.filter(**{f"{name}__gte": start, f"{name}__lt": end})


def count_by_year(
    qs: QuerySet, rule: str, periods: Sequence[tuple[int, Period]], group_len: int | None = None
) -> list[dict]:
    """One query: each case falls in the bucket of the period it belongs to (CASE WHEN), then
    GROUP BY bucket (and the unit-path prefix of the grouping level)."""
    name = DATE_FIELD[rule]
    whens = []
    for year, period in periods:
        start, end = datetime_range(period)
        whens.append(When(**{f"{name}__gte": start, f"{name}__lt": end}, then=Value(year)))
    overall_start = datetime_range(periods[0][1])[0]
    overall_end = datetime_range(periods[-1][1])[1]
    qs = qs.filter(**{f"{name}__gte": overall_start, f"{name}__lt": overall_end})
    qs = qs.annotate(bucket=When_(*whens, output_field=IntegerField()))
    fields = ["bucket"]
    if group_len:
        qs = qs.annotate(group=Substr("unit__path", 1, group_len))
        fields.append("group")
    return list(qs.order_by().values(*fields).annotate(n=Count("pk")))


def comparison_sentence(
    params: dict, rule: str, current: int, previous: int, year: str, prev_year: str
) -> str:
    noun, verb_in, verb_closed = subject(params)
    verb = verb_closed if rule == "closed" else verb_in
    if current == previous == 0:
        return f"Inga {noun} {verb} {year} eller {prev_year}."
    if current > previous:
        head, link = "Fler", "än"
    elif current < previous:
        head, link = "Färre", "än"
    else:
        head, link = "Lika många", "som"
    return f"{head} {noun} {verb} {year} {link} {prev_year}, {fmt(current)} ({fmt(previous)})."


def block_case_count(scope: BlockScope, params: dict) -> dict:
    rule = params.get("rule", "received")
    which = params.get("period", "report")
    period, prev = scope.period_for(scope.year, which), scope.period_for(scope.year - 1, which)
    noun = subject(params)[0]
    result = new_result("case_count", noun[0].upper() + noun[1:], rule, period)
    rows = {
        r["bucket"]: r["n"]
        for r in count_by_year(
            kind_cases(scope, params), rule, [(scope.year - 1, prev), (scope.year, period)]
        )
    }
    current, previous = rows.get(scope.year, 0), rows.get(scope.year - 1, 0)
    y, py = year_label(period), year_label(prev)
    result["sentences"].append(comparison_sentence(params, rule, current, previous, y, py))
    add_figure(result, f"Antal {noun} {y}", current)
    add_figure(result, f"Antal {noun} {py}", previous)
    return result


def _group_label(path: str, labels: dict[str, str]) -> str:
    # A case registered above the grouping level has a shorter prefix: its own unit's row.
    return labels.get(path, _("Okänd enhet"))


def block_case_trend(scope: BlockScope, params: dict) -> dict:
    rule = params.get("rule", "received")
    n_years = int(params.get("years", 5))
    years = list(range(scope.year - n_years + 1, scope.year + 1))
    periods = [(y, scope.period_for(y)) for y in years]
    noun = subject(params)[0]
    first, last = year_label(periods[0][1]), year_label(periods[-1][1])
    result = new_result(
        "case_trend", f"Antal {noun} {first}–{last} per verksamhetsområde", rule, periods[-1][1]
    )
    result["period_label"] = Period(periods[0][1].start, periods[-1][1].end).label
    depth = group_depth(scope, params.get("group_kind", "verksamhetsomrade"))
    counts = count_by_year(kind_cases(scope, params), rule, periods, MP_Node.steplen * depth)
    labels = unit_labels(scope)
    table: dict[str, dict[int, int]] = {}
    for row in counts:
        table.setdefault(_group_label(row["group"], labels), {})[row["bucket"]] = row["n"]
    headers = [_("Verksamhetsområde")] + [year_label(p) for _y, p in periods]
    # A row is its label, then one count per year.
    rows: list[list[Any]] = [
        [name] + [by_year.get(y, 0) for y in years] for name, by_year in sorted(table.items())
    ]
    add_table(
        result,
        key="trend",
        caption=result["title"],
        headers=headers,
        rows=rows,
        total=[_("Totalt")] + [sum(r[i + 1] for r in rows) for i in range(len(years))],
    )
    for y, p in periods:
        add_figure(result, f"Antal {noun} {year_label(p)}", sum(table[g].get(y, 0) for g in table))
    result["charts"].append(
        {
            "title": result["title"],
            "svg": bar_chart(
                result["title"],
                headers[1:],
                {r[0]: r[1:] for r in rows},
                y_title=_("Antal %(what)s") % {"what": result["rule_label"]},
                other=_("Övriga verksamhetsområden"),
            ),
            "caption": f"Diagram: {result['title']}. Källa: Avvika.",
        }
    )
    return result


MONTH_KINDS = (
    (CaseKind.COMPLAINT, "Klagomål och synpunkter"),
    (CaseKind.DEVIATION, "Kvalitetsavvikelser"),
    (CaseKind.LEXSARAH, "Lex Sarah"),
)


def _months(period: Period) -> list[date]:
    first, months = period.start.replace(day=1), []
    while first < period.end:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def block_case_months(scope: BlockScope, params: dict) -> dict:
    """Cases per month and type in the period: one GROUP BY over the month in local time
    (a case received 31 January 23:30 belongs to January), for the statistics page and the
    BI tools reading it through the API."""
    rule = params.get("rule", "received")
    period = scope.period_for(scope.year)
    result = new_result("case_months", "Antal ärenden per månad", rule, period)
    name = DATE_FIELD[rule]
    counts = {
        (r["month"].date() if hasattr(r["month"], "date") else r["month"], r["kind"]): r["n"]
        for r in in_period(scope.subtree_cases, rule, period)
        .annotate(month=TruncMonth(name))
        .order_by()
        .values("month", "kind")
        .annotate(n=Count("pk"))
    }
    rows: list[list[Any]] = [
        [f"{MONTH_NAMES[m.month - 1]} {m.year}"] + [counts.get((m, k), 0) for k, _l in MONTH_KINDS]
        for m in _months(period)
    ]
    add_table(
        result,
        key="months",
        caption=result["title"],
        headers=[_("Månad")] + [label for _k, label in MONTH_KINDS],
        rows=rows,
    )
    return result


# Dimension → (ORM path to the label, code list, multi-label?, heading).
DIMENSIONS = {
    "event_category": ("event_category", CodeList.EVENT_CATEGORY, False, "Händelsekategori"),
    "deficiency": ("deviation__deficiencies", CodeList.DEFICIENCY, True, "Bristområde"),
    "root_cause": ("deviation__root_causes", CodeList.ROOT_CAUSE, True, "Orsak"),
    "consequence": ("deviation__consequence", CodeList.CONSEQUENCE, False, "Konsekvens"),
    "complaint_topic": ("complaint__topics", CodeList.COMPLAINT_TOPIC, True, "Ämne"),
    "complaint_type": ("complaint__complaint_type", CodeList.COMPLAINT_TYPE, False, "Typ"),
    "sender_category": ("complaint__sender_category", CodeList.SENDER_CATEGORY, False, "Avsändare"),
}


def _code_rows(codelist: str, counts: dict) -> list[list]:
    """Every code of the list in its order (zeros included), inactive ones only if used,
    and the blank row last."""
    rows = []
    for c in Code.objects.filter(codelist=codelist).order_by("order", "label"):
        if c.active or counts.get(c.pk):
            rows.append([c.label, counts.get(c.pk, 0)])
    if counts.get(None):
        rows.append([EJ_ANGIVET, counts[None]])
    return rows


def block_case_distribution(scope: BlockScope, params: dict) -> dict:
    dimension = params.get("dimension", "event_category")
    if dimension == "measure_type":
        return block_measure_distribution(scope, params)
    rule = params.get("rule", "closed")
    period = scope.period_for(scope.year, params.get("period", "analysis"))
    path, codelist, multi, heading = DIMENSIONS[dimension]
    noun = subject(params)[0]
    result = new_result(
        "case_distribution", f"{noun[0].upper() + noun[1:]} per {heading.lower()}", rule, period
    )
    cases = in_period(kind_cases(scope, params), rule, period)
    counts = {
        r["key"]: r["n"]
        for r in cases.order_by().values(key=F(path)).annotate(n=Count("pk", distinct=True))
    }
    total_cases = cases.count()
    rows = _code_rows(codelist, counts)
    note = ""
    if multi:
        note = _(
            "En händelse kan ha flera markeringar; summan av markeringarna är därför "
            "större än eller lika med antalet ärenden (%(n)s)."
        ) % {"n": fmt(total_cases)}
    add_table(
        result,
        key=dimension,
        caption=result["title"],
        headers=[heading, _("Antal")],
        rows=rows,
        note=note,
        total=[_("Summa markeringar") if multi else _("Totalt"), sum(r[1] for r in rows)],
    )
    add_figure(result, f"Antal {noun} ({result['rule_label']})", total_cases)
    if multi:
        result["notes"].append(note)
    return result


def block_measure_distribution(scope: BlockScope, params: dict) -> dict:
    """Measures are counted, not cases: one case may have several measures."""
    rule = params.get("rule", "closed")
    period = scope.period_for(scope.year, params.get("period", "analysis"))
    noun = subject(params)[0]
    result = new_result("case_distribution", f"Åtgärder i {noun} per typ av åtgärd", rule, period)
    cases = in_period(kind_cases(scope, params), rule, period)
    measures = Measure.objects.filter(case__in=cases.values("pk"))
    counts = {
        r["key"]: r["n"]
        for r in measures.order_by().values(key=F("measure_type")).annotate(n=Count("pk"))
    }
    stats = cases.aggregate(
        total=Count("pk", distinct=True),
        with_measure=Count("pk", distinct=True, filter=Q(measures__isnull=False)),
    )
    rows = _code_rows(CodeList.MEASURE_TYPE, counts)
    note = _("Ett ärende kan ha flera åtgärder. %(with)s av %(n)s ärenden har minst en åtgärd.") % {
        "with": fmt(stats["with_measure"]),
        "n": fmt(stats["total"]),
    }
    add_table(
        result,
        key="measure_type",
        caption=result["title"],
        headers=[_("Typ av åtgärd"), _("Antal åtgärder")],
        rows=rows,
        note=note,
    )
    add_figure(result, f"Antal {noun} ({result['rule_label']})", stats["total"])
    add_figure(result, "Antal åtgärder", sum(r[1] for r in rows))
    result["notes"].append(note)
    return result
