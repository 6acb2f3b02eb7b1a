"""Case blocks: a type's count with last year in parentheses, the five-year trend per
verksamhetsområde, and distributions by category, cause and measure type. All counting is
done by PostgreSQL (filter/annotate/aggregate); Python only shapes a few dozen result rows.
Cases are counted by their registered unit (Case.unit); the subtree is a path prefix."""

from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, QuerySet, Value, When
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from treebeard.mp_tree import MP_Node

from cases.complaints.models import Complaint
from cases.models import CaseKind, Code, CodeList, Measure
from reports.editions.models import Period
from reports.editions.periods import MONTHS as MONTH_NAMES
from reports.editions.periods import datetime_range
from reports.tally import case_counts, facts_distribution

from .base import (
    EJ_ANGIVET,
    BlockScope,
    add_figure,
    add_table,
    au_in,
    fmt,
    group_depth,
    new_result,
    unit_labels,
    unit_paths,
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
    qs = scope.counted_cases.filter(kind=params.get("kind", CaseKind.COMPLAINT))
    if params.get("source"):
        qs = qs.filter(complaint__source=params["source"])
    return qs


def in_period(qs: QuerySet, rule: str, period) -> QuerySet:
    if rule == "au":
        # Lex Sarah reports AU-handled with a finding (seed 000 §4.2.3: the patterns in lex
        # Sarah are drawn from these), whatever their received or closing date.
        return qs.filter(au_in(period))
    start, end = datetime_range(period)
    name = DATE_FIELD[rule]
    return qs.filter(**{f"{name}__gte": start, f"{name}__lt": end})


def count_by_year(
    qs: QuerySet,
    rule: str,
    periods: Sequence[tuple[int, Period]],
    group_len: int | None = None,
    extra: Sequence[str] = (),
) -> list[dict]:
    """One query: each case falls in the bucket of the period it belongs to (CASE WHEN), then
    GROUP BY bucket (and the unit-path prefix of the grouping level, and `extra` fields)."""
    name = DATE_FIELD[rule]
    whens = []
    for year, period in periods:
        start, end = datetime_range(period)
        whens.append(When(**{f"{name}__gte": start, f"{name}__lt": end}, then=Value(year)))
    overall_start = datetime_range(periods[0][1])[0]
    overall_end = datetime_range(periods[-1][1])[1]
    qs = qs.filter(**{f"{name}__gte": overall_start, f"{name}__lt": overall_end})
    # Periods cut at today leave gaps between the years: those cases fall in no bucket.
    qs = qs.annotate(bucket=When_(*whens, output_field=IntegerField())).filter(bucket__isnull=False)
    fields = ["bucket", *extra]
    if group_len:
        qs = qs.annotate(group=Substr("unit__path", 1, group_len))
        fields.append("group")
    return list(qs.order_by().values(*fields).annotate(n=Count("pk")))


def yearly_counts(
    scope: BlockScope, rule: str, years: Sequence[int]
) -> dict[tuple[str, str, int, int], int]:
    """Counts per (kind, complaint source or "" for all, unit id, year) for every case type
    at once, cached on the scope: every count and trend block over the same years reads it.
    Whole months come from the case tally (reports/tally.py), the rest is counted live."""
    key = ("yearly", rule, tuple(years), scope.period_start, scope.as_of)
    if key in scope.cache:
        return scope.cache[key]
    counts: dict[tuple[str, str, int, int], int] = {}
    by_variant = case_counts(scope, rule, {y: scope.period_for(y) for y in years})
    for (kind, variant, unit_id, year), n in by_variant.items():
        for source in {"", variant}:
            counts[(kind, source, unit_id, year)] = counts.get((kind, source, unit_id, year), 0) + n
    scope.cache[key] = counts
    return counts


def type_counts(
    scope: BlockScope, params: dict, rule: str, years: Sequence[int], group_kind: str | None
) -> dict[str, dict[int, int]]:
    """{unit group path: {year: n}} for the block's case type (and complaint source); a case
    registered above the grouping level forms its own unit's row."""
    group_len = MP_Node.steplen * group_depth(scope, group_kind)
    kind, source = params.get("kind", CaseKind.COMPLAINT), params.get("source", "")
    key = ("type_counts", kind, source, rule, tuple(years), group_len)
    if key not in scope.cache:
        paths = unit_paths(scope)
        table: dict[str, dict[int, int]] = {}
        for (k, src, unit_id, year), n in yearly_counts(scope, rule, years).items():
            if k == kind and src == source and n:
                by_year = table.setdefault(paths[unit_id][:group_len], {})
                by_year[year] = by_year.get(year, 0) + n
        scope.cache[key] = table
    return scope.cache[key]


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
    if which == "report":
        # The same query as the five-year trends (the usual neighbours of this block).
        table = type_counts(scope, params, rule, trend_years(scope, 5), DEFAULT_GROUP_KIND)
        rows = {
            y: sum(by_year.get(y, 0) for by_year in table.values())
            for y in (scope.year - 1, scope.year)
        }
    else:
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


DEFAULT_GROUP_KIND = "verksamhetsomrade"


@lru_cache(maxsize=64)
def _chart(
    title: str,
    x_labels: tuple[str, ...],
    series: tuple[tuple[str, tuple], ...],
    y_title: str,
    other: str,
) -> str:
    """The SVG is a pure function of the figures and its (already translated) labels: drawn
    once per distinct table per process (pygal takes tens of milliseconds a chart, the
    statistics page's largest Python cost)."""
    return bar_chart(
        title,
        list(x_labels),
        {name: list(values) for name, values in series},
        y_title=y_title,
        other=other,
    )


def trend_years(scope: BlockScope, n_years: int) -> list[int]:
    return list(range(scope.year - n_years + 1, scope.year + 1))


def block_case_trend(scope: BlockScope, params: dict) -> dict:
    rule = params.get("rule", "received")
    years = trend_years(scope, int(params.get("years", 5)))
    periods = [(y, scope.period_for(y)) for y in years]
    noun = subject(params)[0]
    first, last = year_label(periods[0][1]), year_label(periods[-1][1])
    result = new_result(
        "case_trend", f"Antal {noun} {first}–{last} per verksamhetsområde", rule, periods[-1][1]
    )
    result["period_label"] = Period(periods[0][1].start, periods[-1][1].end).label
    labels = unit_labels(scope)
    table: dict[str, dict[int, int]] = {}
    for group, by_year in type_counts(
        scope, params, rule, years, params.get("group_kind", DEFAULT_GROUP_KIND)
    ).items():
        merged = table.setdefault(_group_label(group, labels), {})
        for y, n in by_year.items():
            merged[y] = merged.get(y, 0) + n
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
            "svg": _chart(
                str(result["title"]),
                tuple(headers[1:]),
                tuple((r[0], tuple(r[1:])) for r in rows),
                str(_("Antal %(what)s") % {"what": result["rule_label"]}),
                str(_("Övriga verksamhetsområden")),
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
    # Whole months from the case tally, a month cut at today counted live.
    months = _months(period)
    bounds = [*months[1:], period.end]
    buckets = {
        m: Period(max(m, period.start), min(b, period.end))
        for m, b in zip(months, bounds, strict=True)
    }
    counts: dict[tuple[date, str], int] = {}
    for (kind, _v, _u, month), n in case_counts(scope, rule, buckets).items():
        counts[(month, kind)] = counts.get((month, kind), 0) + n
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
# The dimensions each case type has rows for (the others count every case as "Ej angivet").
KIND_DIMENSIONS = {
    CaseKind.DEVIATION: ("event_category", "deficiency", "root_cause", "consequence"),
    CaseKind.COMPLAINT: ("event_category", "complaint_topic", "complaint_type", "sender_category"),
    CaseKind.LEXSARAH: ("event_category",),
}


def _dimension_join(dimension: str) -> tuple[str, str, str]:
    """(table, its case-id column, its label column) holding a dimension's labels."""
    from deviations.models import Deviation

    owner, name = {
        "deficiency": (Deviation, "deficiencies"),
        "root_cause": (Deviation, "root_causes"),
        "consequence": (Deviation, "consequence"),
        "complaint_topic": (Complaint, "topics"),
        "complaint_type": (Complaint, "complaint_type"),
        "sender_category": (Complaint, "sender_category"),
    }[dimension]
    field: Any = owner._meta.get_field(name)
    if field.many_to_many:
        through = field.remote_field.through._meta
        return (
            through.db_table,
            field.m2m_column_name(),
            field.m2m_reverse_name(),
        )
    return owner._meta.db_table, owner._meta.pk.column, field.column


# The distributions usually printed together for a type: the first block of a type computes
# these with its own, so the next ones cost no query.
USUAL_DIMENSIONS = {
    CaseKind.DEVIATION: ("deficiency", "root_cause", "measure_type"),
    CaseKind.COMPLAINT: ("complaint_topic",),
}


def distribution_facts(
    scope: BlockScope, params: dict, rule: str, period: Period, dimension: str
) -> dict[str, dict[Any, int]]:
    """The distributions of one set of cases (type, source, date rule, period), cached on the
    scope: {"total": {None: n}, "event_category": {code id or None: n}, dimension: {...},
    "measure_type": {...}, "with_measure": {None: n}}. Multi-label dimensions count distinct
    cases per label (their rows are unique per case and label); a case without any label
    counts under None ("Ej angivet")."""
    kind = params.get("kind", CaseKind.COMPLAINT)
    key = ("distribution", kind, params.get("source", ""), rule, period)
    facts = scope.cache.get(key)
    if facts is None or dimension not in facts["computed"]:
        wanted = {dimension, *USUAL_DIMENSIONS.get(kind, ())} if facts is None else {dimension}
        new = _distribution_query(scope, params, rule, period, wanted)
        facts = {**(facts or {}), **new, "computed": (facts or {}).get("computed", set()) | wanted}
        scope.cache[key] = facts
    return facts


def _distribution_query(
    scope: BlockScope, params: dict, rule: str, period: Period, wanted: set[str]
) -> dict[str, dict[Any, int]]:
    """One query: the cases are selected once (visibility, subtree, period) into a CTE, then
    each dimension is one GROUP BY over it (UNION ALL). A scope with `parts` reads the case
    facts instead (one pass, no join to the code-list tables: reports/tally.py)."""
    kind = params.get("kind", CaseKind.COMPLAINT)
    dimensions = sorted(wanted & set(KIND_DIMENSIONS.get(kind, ())) - {"event_category"})
    if scope.parts is not None and rule in DATE_FIELD:
        with_event = ["event_category", *dimensions]
        codes = {d: [c.pk for c in code_list(scope, DIMENSIONS[d][1])] for d in with_event}
        return facts_distribution(scope, params, rule, period, codes, "measure_type" in wanted)
    cases = in_period(kind_cases(scope, params), rule, period).order_by()
    cte_sql, cte_params = cases.values("pk", "event_category_id").query.sql_with_params()
    ctes = [f"c (id, event_category_id) AS MATERIALIZED ({cte_sql})"]
    parts = [
        "SELECT 'total', NULL::bigint, COUNT(*) FROM c",
        "SELECT 'event_category', c.event_category_id, COUNT(*) FROM c GROUP BY 2",
    ]
    for dimension in dimensions:
        table, case_col, label_col = _dimension_join(dimension)
        parts.append(
            f"SELECT '{dimension}', d.{label_col}, COUNT(*) FROM c "  # noqa: S608 - our names
            f"LEFT JOIN {table} d ON d.{case_col} = c.id GROUP BY 2"
        )
    if "measure_type" in wanted:
        ctes.append(
            "m AS MATERIALIZED (SELECT m.case_id, m.measure_type_id FROM c "  # noqa: S608
            f"JOIN {Measure._meta.db_table} m ON m.case_id = c.id)"
        )
        parts += [
            "SELECT 'measure_type', m.measure_type_id, COUNT(*) FROM m GROUP BY 2",
            "SELECT 'with_measure', NULL::bigint, COUNT(DISTINCT m.case_id) FROM m",
        ]
    sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(parts)
    facts: dict[str, dict[Any, int]] = {"total": {None: 0}}
    if "measure_type" in wanted:
        facts["with_measure"] = {None: 0}
    with connection.cursor() as cursor:
        cursor.execute(sql, cte_params)
        for dimension, label, n in cursor.fetchall():
            facts.setdefault(dimension, {})[label] = n
    return facts


def code_list(scope: BlockScope, codelist: str) -> list[Code]:
    """Every code list the blocks print, read once per scope (one query)."""
    if "codes" not in scope.cache:
        lists: dict[str, list[Code]] = {}
        for c in Code.objects.order_by("codelist", "order", "label"):
            lists.setdefault(c.codelist, []).append(c)
        scope.cache["codes"] = lists
    return scope.cache["codes"].get(codelist, [])


def _code_rows(codes: list[Code], counts: dict) -> list[list]:
    """Every code of the list in its order (zeros included), inactive ones only if used,
    and the blank row last."""
    rows = []
    for c in codes:
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
    _path, codelist, multi, heading = DIMENSIONS[dimension]
    noun = subject(params)[0]
    result = new_result(
        "case_distribution", f"{noun[0].upper() + noun[1:]} per {heading.lower()}", rule, period
    )
    facts = distribution_facts(scope, params, rule, period, dimension)
    total_cases = facts["total"][None]
    # A dimension the type has no rows for: every case is "Ej angivet".
    counts = facts.get(dimension, {None: total_cases} if total_cases else {})
    rows = _code_rows(code_list(scope, codelist), counts)
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
    facts = distribution_facts(scope, params, rule, period, "measure_type")
    counts = facts.get("measure_type", {})
    stats = {"total": facts["total"][None], "with_measure": facts["with_measure"][None]}
    rows = _code_rows(code_list(scope, CodeList.MEASURE_TYPE), counts)
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
