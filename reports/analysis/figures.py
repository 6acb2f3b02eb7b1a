"""Prepared figures for a unit analysis: SQL aggregation only (annotate/Count), never a Python
loop over cases. Each table compares the analysis period with the previous one.

Date rule: a case counts in a period when it was CLOSED in it, `closed_at` in
[first day 00:00, day after the last day 00:00) Europe/Stockholm — so 31 May 23:30 local time
belongs to the period although it is 21:30 UTC.

Unit rule: a case counts on the unit it is registered on (`Case.unit`) when the figures are
computed; a corrected unit moves the case. Submitted analyses keep the figures they were
submitted with (`UnitAnalysis.figures`). A unit's analysis covers its subtree minus the
sub-units that have an analysis of their own in the same round, so no case is counted twice
and the förvaltning's roll-up is exactly the sum of the unit analyses.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.complaints.models import ComplaintSource
from cases.models import Case, CaseKind, Measure

NOT_GIVEN = "__ej_angivet__"


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # last day, inclusive

    def previous(self) -> "Period":
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_default_timezone()
        return (
            timezone.make_aware(datetime.combine(self.start, time.min), tz),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz),
        )

    def closed_q(self, prefix: str = "") -> Q:
        start, end = self.bounds()
        return Q(**{f"{prefix}closed_at__gte": start, f"{prefix}closed_at__lt": end})

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def scope_q(unit_path: str, exclude_paths: Sequence[str] = (), prefix: str = "") -> Q:
    """Cases registered in the unit's subtree, minus the sub-units analysed on their own."""
    q = Q(**{f"{prefix}unit__path__startswith": unit_path})
    for path in exclude_paths:
        q &= ~Q(**{f"{prefix}unit__path__startswith": path})
    return q


def _two_periods(period: Period, prefix: str = "") -> dict:
    return {
        "current": Count("pk", filter=period.closed_q(prefix), distinct=True),
        "previous": Count("pk", filter=period.previous().closed_q(prefix), distinct=True),
    }


def _table(key: str, title: str, rows: list[dict], note: str = "") -> dict:
    total = {p: sum(r[p] for r in rows) for p in ("current", "previous")}
    return {"key": key, "title": title, "rows": rows, "total": total, "note": note}


def _type_rows(cases: QuerySet, period: Period) -> list[dict]:
    complaint = Q(kind=CaseKind.COMPLAINT)
    kinds = {
        "complaint_external": (
            complaint & Q(complaint__source=ComplaintSource.EXTERNAL),
            _("Klagomål och synpunkter från utomstående"),
        ),
        "complaint_staff": (
            complaint & Q(complaint__source=ComplaintSource.STAFF),
            _("Klagomål och synpunkter från personal"),
        ),
        "complaint_unknown": (
            complaint & Q(complaint__isnull=True),
            _("Klagomål och synpunkter, källa ej angiven"),
        ),
        "deviation": (Q(kind=CaseKind.DEVIATION), _("Kvalitetsavvikelser")),
        "lexsarah": (Q(kind=CaseKind.LEXSARAH), _("Lex Sarah")),
    }
    current, previous = period.closed_q(), period.previous().closed_q()
    aggregates = {}
    for key, (q, _label) in kinds.items():
        aggregates[f"{key}__c"] = Count("pk", filter=q & current)
        aggregates[f"{key}__p"] = Count("pk", filter=q & previous)
    counts = cases.aggregate(**aggregates)  # one query for all types and both periods
    rows = [
        {
            "key": key,
            "label": str(label),
            "order": order,
            "current": counts[f"{key}__c"],
            "previous": counts[f"{key}__p"],
        }
        for order, (key, (_q, label)) in enumerate(kinds.items())
    ]
    # The "source unknown" row only appears when there is something to show.
    return [r for r in rows if r["key"] != "complaint_unknown" or r["current"] or r["previous"]]


def _row_order(row: dict) -> tuple:
    return (row.get("order", 0), row["label"])


def _label_rows(qs: QuerySet, field: str, period: Period, prefix: str = "") -> list[dict]:
    """Rows per code of `field` (blank → "Ej angivet"), ordered as the code list."""
    grouped = (
        qs.values(f"{field}__code", f"{field}__label", f"{field}__order")
        .annotate(**_two_periods(period, prefix))
        .order_by()
    )
    rows = []
    for g in grouped:
        code = g[f"{field}__code"]
        rows.append(
            {
                "key": code or NOT_GIVEN,
                "label": g[f"{field}__label"] if code else str(_("Ej angivet")),
                "order": g[f"{field}__order"] if code else 10_000,
                "current": g["current"],
                "previous": g["previous"],
            }
        )
    rows = [r for r in rows if r["current"] or r["previous"]]
    rows.sort(key=_row_order)
    return rows


def figures_compute(*, unit_path: str, exclude_paths: list[str], period: Period) -> dict:
    """The prepared figures as a JSON-ready dict (stored as is when an analysis is submitted)."""
    both = period.closed_q() | period.previous().closed_q()
    cases = Case.objects.filter(scope_q(unit_path, exclude_paths)).filter(both)
    deviations = cases.filter(kind=CaseKind.DEVIATION)
    measures = Measure.objects.filter(case__in=cases.values("pk"))
    multi = _(
        "Ett ärende kan ha flera kategorier; summan kan därför vara större än antalet ärenden."
    )
    tables = [
        _table("types", _("Avslutade ärenden per typ"), _type_rows(cases, period)),
        _table(
            "event_category",
            _("Händelsekategori (alla ärendetyper)"),
            _label_rows(cases, "event_category", period),
        ),
        _table(
            "complaint_topic",
            _("Ämnen i klagomål och synpunkter"),
            _label_rows(cases.filter(kind=CaseKind.COMPLAINT), "complaint__topics", period),
            note=multi,
        ),
        _table(
            "deficiency",
            _("Bristområden i kvalitetsavvikelser"),
            _label_rows(deviations, "deviation__deficiencies", period),
            note=multi,
        ),
        _table(
            "root_cause",
            _("Bakomliggande orsaker i kvalitetsavvikelser"),
            _label_rows(deviations, "deviation__root_causes", period),
            note=multi,
        ),
        _table(
            "measure_type",
            _("Åtgärder per typ"),
            _label_rows(measures, "measure_type", period, prefix="case__"),
            note=_("Antal åtgärder i de avslutade ärendena."),
        ),
    ]
    return {"period": period.as_dict(), "previous": period.previous().as_dict(), "tables": tables}


def figures_sum(figures: list[dict]) -> list[dict]:
    """Add unit figures table by table and row by row (the förvaltning's roll-up)."""
    tables: dict[str, dict] = {}
    for fig in figures:
        for table in fig["tables"]:
            target = tables.setdefault(table["key"], {**table, "rows": [], "_rows": {}})
            for row in table["rows"]:
                acc = target["_rows"].setdefault(row["key"], {**row, "current": 0, "previous": 0})
                acc["current"] += row["current"]
                acc["previous"] += row["previous"]
    result = []
    for table in tables.values():
        rows = sorted(table.pop("_rows").values(), key=_row_order)
        result.append(_table(table["key"], table["title"], rows, table.get("note", "")))
    return result


def closed_cases(
    *, cases: QuerySet, unit_path: str, exclude_paths: list[str], period: Period
) -> QuerySet[Case]:
    """The cases behind the figures, from a queryset the caller has already scoped to what
    the viewer may see (`cases_visible_to`)."""
    return (
        cases.filter(scope_q(unit_path, exclude_paths))
        .filter(period.closed_q())
        .select_related("unit")
        .order_by("closed_at", "id")
    )


def cases_count(*, unit_path: str, exclude_paths: list[str], period: Period) -> int:
    return Case.objects.filter(scope_q(unit_path, exclude_paths)).filter(period.closed_q()).count()
