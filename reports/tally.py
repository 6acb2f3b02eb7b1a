"""Counting cases per type, unit and period from the case tally (reports.models.CaseTally).

A period's whole local months are read from the tally; what the tally cannot know is counted
live, each part a narrow query:
- the edges of a period that are not whole months (a year cut at today, a 15 June start);
- cases visible one by one rather than by unit (grants, a registrator's unrouted cases) that
  are not already counted by unit;
- minus the deviations reclassified to lex Sarah inside the counted units (they count once,
  under lex Sarah: BlockScope.counted_cases).
So the sum is exactly `scope.counted_cases` in the period, and a five-year trend costs a few
thousand tally rows instead of every case of five years (issue 16: statistics ≤ 300 ms at
150 000 cases, ≤ 1 s at 1.5 million). A scope without `parts` (tests that pass any queryset)
counts everything live.
"""

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case as When_
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from cases.models import Case, CaseKind
from deviations.models import Deviation, ReclassifiedTo
from reports.editions.models import Period
from reports.editions.periods import datetime_range
from reports.models import CaseFacts, CaseTally

DATE_FIELD = {"received": "received_at", "closed": "closed_at"}
TALLY_RULE = {"received": "r", "closed": "c"}

# (kind, variant, unit id, bucket) → cases; variant is a complaint's source, else "".
Counts = Counter[tuple[str, str, int, Any]]


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def split_months(period: Period) -> tuple[Period | None, list[Period]]:
    """(the whole local months inside `period` as one period, or None; the edges left)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    last = period.end.replace(day=1)
    if first >= last:
        return None, [period]
    edges = [Period(period.start, first)] if period.start < first else []
    if last < period.end:
        edges.append(Period(last, period.end))
    return Period(first, last), edges


def live_counts(qs: QuerySet, rule: str, ranges: list[tuple[Any, Period]]) -> Counts:
    """One GROUP BY over `qs`: each case in the bucket of the range its date falls in."""
    counts: Counts = Counter()
    if not ranges:
        return counts
    name = DATE_FIELD[rule]
    conditions = []
    for period in (p for _b, p in ranges):
        start, end = datetime_range(period)
        conditions.append(Q(**{f"{name}__gte": start, f"{name}__lt": end}))
    any_range = Q()
    for condition in conditions:
        any_range |= condition
    bucket = When_(
        *(When(c, then=Value(i)) for i, c in enumerate(conditions)), output_field=IntegerField()
    )
    rows = (
        qs.filter(any_range)
        .annotate(bucket=bucket, variant=Coalesce("complaint__source", Value("")))
        .order_by()
        .values("kind", "variant", "unit_id", "bucket")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        key = (row["kind"], row["variant"], row["unit_id"], ranges[row["bucket"]][0])
        counts[key] += row["n"]
    return counts


def _tally_counts(scope, rule: str, ranges: list[tuple[Any, Period]]) -> Counts:
    """Whole months from the tally, for the units the user sees whole, in the subtree."""
    from reports.editions.blocks.base import unit_paths

    parts = scope.parts
    subtree = set(unit_paths(scope))
    units = subtree if parts.units is None else subtree & set(parts.units)
    by_unit = Q(unit_id__in=sorted(units)) | Q(
        kind=CaseKind.LEXSARAH, unit_id__in=sorted(subtree & set(parts.lexsarah_units))
    )
    month_ranges = [Q(month__gte=p.start, month__lt=p.end) for _b, p in ranges]
    any_month = Q()
    for condition in month_ranges:
        any_month |= condition
    qs = CaseTally.objects.filter(by_unit, any_month, rule=TALLY_RULE[rule])
    if not parts.skyddad:
        qs = qs.filter(skyddad=False)
    bucket = When_(
        *(When(c, then=Value(i)) for i, c in enumerate(month_ranges)), output_field=IntegerField()
    )
    rows = (
        qs.annotate(bucket=bucket)
        .order_by()
        .values("kind", "variant", "unit_id", "bucket")
        .annotate(n=Sum("n"))
    )
    counts: Counts = Counter()
    for row in rows:
        counts[(row["kind"], row["variant"], row["unit_id"], ranges[row["bucket"]][0])] += row["n"]
    return counts


def case_counts(scope, rule: str, buckets: Mapping[Any, Period]) -> Counts:
    """Cases of `scope.counted_cases` per (kind, variant, unit id, bucket) whose `rule` date
    falls in the bucket's period (periods must not overlap)."""
    if getattr(scope, "parts", None) is None or rule not in TALLY_RULE:
        return live_counts(scope.counted_cases, rule, list(buckets.items()))
    whole: list[tuple[Any, Period]] = []
    edges: list[tuple[Any, Period]] = []
    for key, period in buckets.items():
        months, rest = split_months(period)
        if months:
            whole.append((key, months))
        edges += [(key, p) for p in rest]
    counts = _tally_counts(scope, rule, whole) if whole else Counter()
    counts.update(live_counts(scope.counted_cases, rule, edges))
    by_unit = scope.parts.whole_units_q()
    if whole and scope.parts.beyond:
        beyond = scope.counted_cases.filter(scope.parts.rest).exclude(by_unit)
        counts.update(live_counts(beyond, rule, whole))
    reclassified = _reclassified_ids() if whole else []
    if reclassified:
        # Literal ids (a few per year): PostgreSQL reads those cases, not the period's.
        counted_twice = scope.in_subtree(
            Case.objects.filter(by_unit, kind=CaseKind.DEVIATION, pk__in=reclassified)
        )
        counts.subtract(live_counts(counted_twice, rule, whole))
    return counts


# The bit each code source sets in CaseFacts.marked (reports migration 0008, MARKS).
DIMENSION_BITS = {
    "deficiency": 1,
    "root_cause": 2,
    "consequence": 4,
    "complaint_topic": 8,
    "complaint_type": 16,
    "sender_category": 32,
    "event_category": 64,
}


def facts_distribution(
    scope,
    params: dict,
    rule: str,
    period: Period,
    dimensions: Mapping[str, list[int]],
    measures: bool,
) -> dict[str, dict]:
    """The distributions of one set of cases from the case facts, in one pass over the
    period's rows: {"total": {None: n}, each of `dimensions` (name → the ids of its code
    list; event_category among them): {code id: n, None: cases with none}, and with
    `measures` "measure_type" (measures, not cases) and "with_measure"."""
    from reports.editions.blocks.base import unit_paths

    kind = params.get("kind", CaseKind.COMPLAINT)
    start, end = datetime_range(period)
    name = DATE_FIELD[rule]
    qs = CaseFacts.objects.filter(
        scope.parts.whole_units_q() | scope.parts.rest,
        kind=kind,
        unit_id__in=sorted(unit_paths(scope)),
        **{f"{name}__gte": start, f"{name}__lt": end},
    )
    if params.get("source"):
        qs = qs.filter(variant=params["source"])
    if kind == CaseKind.DEVIATION:
        qs = qs.exclude(pk__in=_reclassified_ids())
    try:
        cte, values = (
            qs.order_by().values_list("codes", "marked", "measure_types").query.sql_with_params()
        )
    except EmptyResultSet:  # a user who sees no unit and holds no grant
        return {"total": {None: 0}} | ({"with_measure": {None: 0}} if measures else {})
    # One aggregate row (total, cases without a code of each dimension, cases with a
    # measure), turned into rows; then the codes and the measure types, one GROUP BY each.
    counts = ["COUNT(*)"] + [
        f"COUNT(*) FILTER (WHERE c.marked & {DIMENSION_BITS[d]} = 0)" for d in dimensions
    ]
    keys = ["total"] + [f"none:{d}" for d in dimensions]
    if measures:
        counts.append("COUNT(*) FILTER (WHERE cardinality(c.measure_types) > 0)")
        keys.append("with_measure")
    unpivot = ", ".join(f"('{key}', a.n{i})" for i, key in enumerate(keys))
    columns = ", ".join(f"{c} AS n{i}" for i, c in enumerate(counts))
    parts = [
        f"SELECT v.key, NULL::bigint, v.n FROM (SELECT {columns} FROM c) AS a "  # noqa: S608
        f"CROSS JOIN LATERAL (VALUES {unpivot}) AS v(key, n)",
        "SELECT 'code', code, COUNT(*) FROM c, unnest(c.codes) AS code GROUP BY 2",
    ]
    if measures:
        parts.append(
            "SELECT 'measure_type', t, COUNT(*) FROM c, unnest(c.measure_types) AS t GROUP BY 2"
        )
    sql = f"WITH c (codes, marked, measure_types) AS MATERIALIZED ({cte}) " + " UNION ALL ".join(
        parts
    )
    rows: dict[str, dict] = {"code": {}, "measure_type": {}}
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        for key, label, n in cursor.fetchall():
            rows.setdefault(key, {})[label] = n
    by_code = rows.pop("code")
    for dimension, ids in dimensions.items():
        found = {code: by_code[code] for code in ids if code in by_code}
        none = rows.pop(f"none:{dimension}")[None]
        rows[dimension] = {**found, **({None: none} if none else {})}
    # As the joins answer: a dimension without a single row is absent.
    return {key: found for key, found in rows.items() if found}


def _reclassified_ids() -> list[int]:
    return list(
        Deviation.objects.filter(reclassified_to=ReclassifiedTo.LEX_SARAH).values_list(
            "case_id", flat=True
        )
    )
