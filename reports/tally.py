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
from treebeard.mp_tree import MP_Node

from cases.models import Case, CaseKind
from deviations.models import Deviation, ReclassifiedTo
from reports.editions.models import Period
from reports.editions.periods import datetime_range
from reports.models import CaseFacts, CaseTally, CodeTally, CodeTallyPending

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
# Added to a case's marks in CodeTally's "s" rows when it has a measure (migration 0009).
HAS_MEASURE = 128


def _subtree_cover(scope, kind: str) -> list[int] | None:
    """The fewest units whose whole subtrees are exactly the units `scope.parts` counts whole
    for `kind` in the scope's subtree (the code tally has a row per subtree), or None if
    those units are not whole subtrees (then everything is counted live). Role scopes are
    subtrees of the memberships' units, so the cover is usually one unit or a few."""
    from reports.editions.blocks.base import unit_paths

    paths = unit_paths(scope)
    parts = scope.parts
    units = set(paths) if parts.units is None else set(paths) & set(parts.units)
    if kind == CaseKind.LEXSARAH:
        units |= set(paths) & set(parts.lexsarah_units)
    chosen = {paths[u] for u in units}
    cover = [u for u in units if u == scope.unit.pk or paths[u][: -MP_Node.steplen] not in chosen]
    for top in cover:
        if any(p.startswith(paths[top]) and u not in units for u, p in paths.items()):
            return None
    return sorted(cover)


def _date_q(rule: str, period: Period) -> Q:
    start, end = datetime_range(period)
    name = DATE_FIELD[rule]
    return Q(**{f"{name}__gte": start, f"{name}__lt": end})


def _sql(qs: QuerySet, *fields: str) -> tuple[str, tuple] | None:
    try:
        return qs.order_by().values_list(*fields).query.sql_with_params()
    except EmptyResultSet:  # an IN over nothing: the part counts nothing
        return None


FACT_MARKS = ("marked", "codes", "measure_types")
# Each case's marks, as the code tally's triggers add them (migration 0009).
MARKS_OF = (
    "SELECT m.what, m.code, {sign} AS n FROM ({sql}) AS f (marked, codes, measure_types) "
    "CROSS JOIN LATERAL reports_casefacts_marks(f.marked, f.codes, f.measure_types) AS m"
)


def mark_counts(scope, params: dict, rule: str, period: Period) -> Counter[tuple[str, int]]:
    """(what, code) → n over `scope.counted_cases` of the block's type (and complaint
    source) whose `rule` date lies in `period`, as CodeTally counts them (`what` "s": sets of
    marks, "c": codes, "m": measure types). Whole months come from the code tally for the
    subtrees the user sees whole; the edges, the cases visible one by one beyond those and
    the reclassified deviations (which count under lex Sarah) from the case facts, each case
    through the same SQL function the tally's triggers use. One query."""
    from reports.editions.blocks.base import unit_paths

    kind = params.get("kind", CaseKind.COMPLAINT)
    source = params.get("source")
    parts = scope.parts
    months, edges = split_months(period)
    cover = _subtree_cover(scope, kind) if months else None
    if cover is None:
        months, edges = None, [period]
    facts = CaseFacts.objects.filter(kind=kind, unit_id__in=sorted(unit_paths(scope)))
    if source:
        facts = facts.filter(variant=source)
    whole = parts.whole_units_q()
    # An empty Q is every case (an operator's report): `Q() | rest` would be `rest` alone.
    seen = (whole | parts.rest) if whole else Q()
    live = Q(pk__in=[])
    for edge in edges:
        live |= _date_q(rule, edge) & seen
    if months and parts.beyond and whole:
        live |= _date_q(rule, months) & parts.rest & ~whole
    reclassified = _reclassified_ids() if kind == CaseKind.DEVIATION else []
    # (compiled query, its sign): tally rows carry their n; fact rows add each case's marks.
    selects: list[tuple[tuple[str, tuple] | None, int | None]] = []
    if months and cover:
        tally = CodeTally.objects.filter(
            rule=TALLY_RULE[rule],
            kind=kind,
            subtree_id__in=cover,
            month__gte=months.start,
            month__lt=months.end,
        )
        if source:
            tally = tally.filter(variant=source)
        if not parts.skyddad:
            tally = tally.filter(skyddad=False)
        selects.append((_sql(tally, "what", "code", "n"), None))
        # An import's cases until its task has added their marks to the tally (reports.bulk):
        # counted from their facts, and not taken off as reclassified (the tally lacks them).
        pending = CodeTallyPending.objects.values("case_id")
        in_months = facts.filter(whole, _date_q(rule, months))
        not_yet = in_months.filter(pk__in=pending).exclude(pk__in=reclassified)
        selects.append((_sql(not_yet, *FACT_MARKS), 1))
        if reclassified:
            counted_twice = in_months.filter(pk__in=reclassified).exclude(pk__in=pending)
            selects.append((_sql(counted_twice, *FACT_MARKS), -1))
    selects.append((_sql(facts.filter(live).exclude(pk__in=reclassified), *FACT_MARKS), 1))
    union, values = [], []
    for compiled, sign in selects:
        if compiled is not None:
            union.append(MARKS_OF.format(sql=compiled[0], sign=sign) if sign else compiled[0])
            values += compiled[1]
    counts: Counter[tuple[str, int]] = Counter()
    if not union:
        return counts
    union_sql = " UNION ALL ".join(union)  # our own compiled queries
    query = f"SELECT d.what, d.code, SUM(d.n) FROM ({union_sql}) AS d (what, code, n) GROUP BY 1, 2"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(query, values)
        for what, code, n in cursor.fetchall():
            if n:
                counts[(what, code)] = n
    return counts


def facts_distribution(
    scope,
    params: dict,
    rule: str,
    period: Period,
    dimensions: Mapping[str, list[int]],
    measures: bool,
) -> dict[str, dict]:
    """The distributions of one set of cases: {"total": {None: n}, each of `dimensions`
    (name → the ids of its code list; event_category among them): {code id: n, None: cases
    with none}, and with `measures` "measure_type" (measures, not cases) and
    "with_measure"}, from `mark_counts`. As the joins answer: a dimension without a single
    row is absent."""
    counts = mark_counts(scope, params, rule, period)
    sets = [(code, n) for (what, code), n in counts.items() if what == "s"]
    rows: dict[str, dict] = {"total": {None: sum(n for _c, n in sets)}}
    for dimension, ids in dimensions.items():
        bit = DIMENSION_BITS[dimension]
        found = {code: counts[("c", code)] for code in ids if ("c", code) in counts}
        none = sum(n for code, n in sets if not code & bit)
        rows[dimension] = {**found, **({None: none} if none else {})}
    if measures:
        rows["measure_type"] = {
            (code or None): n for (what, code), n in counts.items() if what == "m"
        }
        rows["with_measure"] = {None: sum(n for code, n in sets if code & HAS_MEASURE)}
    return {key: found for key, found in rows.items() if found}


def _reclassified_ids() -> list[int]:
    return list(
        Deviation.objects.filter(reclassified_to=ReclassifiedTo.LEX_SARAH).values_list(
            "case_id", flat=True
        )
    )
