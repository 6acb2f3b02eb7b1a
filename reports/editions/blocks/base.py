"""What every data block shares: the scope it counts in, counting rules, Swedish numbers and
the result shape (plain JSON, so the same dict feeds the browser, the PDF and --json)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext as _

from cases.models import CaseKind, Unit
from cases.selectors import CountableParts
from deviations.models import Deviation, ReclassifiedTo
from lexsarah.models import FINDING_ASSESSMENTS, AgendaItem, LexSarahReport
from reports.editions.models import Period, _safe_date, year_ending
from reports.editions.periods import MONTHS, period_label, period_short

EJ_ANGIVET = "Ej angivet"


@dataclass
class BlockScope:
    """Where and when a block counts. `cases` is already narrowed by the caller's visibility
    (cases_visible_to) — blocks only narrow further."""

    unit: Unit
    year: int
    cases: QuerySet
    period_start: tuple[int, int] = (1, 1)
    analysis_start: tuple[int, int] = (6, 1)
    # Today, on the statistics page: a period not yet over is counted up to and including this
    # day, and every other year of the same block over the same part of its year, so "2026
    # t.o.m. 2 december" is compared with "2025 t.o.m. 2 december", never with all of 2025.
    as_of: date | None = None
    # `cases` split by unit and one by one (cases.selectors.countable_parts): with it, case
    # counts come from the tally (reports/tally.py); without it, everything is counted live.
    parts: CountableParts | None = None
    cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Treebeard rewrites paths when a sibling sorts before a unit (node_order_by): never
        # trust a path held in memory.
        self.unit = Unit.objects.get(pk=self.unit.pk)

    def period_for(self, year: int, which: str = "report") -> Period:
        month, day = self.analysis_start if which == "analysis" else self.period_start
        full = year_ending(year, month, day)
        current = year_ending(self.year, month, day)
        if self.as_of is None or not current.start <= self.as_of < current.end:
            return full
        shift = self.year - year
        last = _safe_date(self.as_of.year - shift, self.as_of.month, self.as_of.day)
        return Period(full.start, min(full.end, last + timedelta(days=1)))

    def in_subtree(self, qs: QuerySet, path_field: str = "unit__path") -> QuerySet:
        # Materialised path: the subtree is one prefix match, no recursion.
        return qs.filter(**{f"{path_field}__startswith": self.unit.path})

    @property
    def subtree_cases(self) -> QuerySet:
        return self.in_subtree(self.cases)

    @property
    def counted_cases(self) -> QuerySet:
        """The subtree's cases with each event once, under its final type: a deviation
        reclassified to lex Sarah is counted as the lex Sarah report it became, not also as a
        deviation (a set of case ids, hashed once by PostgreSQL)."""
        reclassified = Deviation.objects.filter(reclassified_to=ReclassifiedTo.LEX_SARAH).values(
            "case_id"
        )
        return self.subtree_cases.exclude(Q(kind=CaseKind.DEVIATION) & Q(pk__in=reclassified))


def au_in(period: Period) -> Q:
    """Reports with a finding whose AU date lies in `period`. Historic imports carry the AU
    date on the report; live cases take the first meeting whose agenda held an investigation
    covering the report. One set of case ids from the lex Sarah rows (hashed, or a semi-join
    that reads only those cases), not a subquery per report."""
    first_meeting_in = (
        AgendaItem.objects.order_by()
        .values("investigation__reports")
        .annotate(first=Min("meeting__held_on"))
        .filter(first__gte=period.start, first__lt=period.end)
        .values("investigation__reports")
    )
    handled = LexSarahReport.objects.filter(assessment__in=FINDING_ASSESSMENTS).filter(
        Q(au_date__gte=period.start, au_date__lt=period.end)
        | Q(au_date__isnull=True, pk__in=first_meeting_in)
    )
    return Q(pk__in=handled.values("pk"))


RULES = {
    "received": ("inkomna", "räknat på inkomstdatum"),
    "closed": ("avslutade", "räknat på avslutsdatum"),
    "au": ("AU-behandlade", "räknat på datum för arbetsutskottets behandling"),
    "decided": ("beslutade", "räknat på beslutsdatum"),
    "notified": ("anmälda", "räknat på datum för beslut om anmälan"),
    "performed": ("genomförda", "räknat på datum för analysen eller kontrollperiodens slut"),
    "marked": (
        "markerade för kvalitetsberättelsen",
        "räknat på datum för analysen eller kontrollen",
    ),
}


def rule_text(rule: str, period: Period) -> str:
    name, how = RULES[rule]
    return _("Urval: %(name)s, %(how)s, %(period)s.") % {
        "name": name,
        "how": how,
        "period": period_label(period),
    }


def fmt(n: int) -> str:
    """Swedish digit grouping with a no-break space: 1 258."""
    return f"{n:,}".replace(",", "\u00a0")


def year_label(period: Period) -> str:
    """2025, 2024/25, or "2026 t.o.m. 2 december" for a period cut at today."""
    nominal_end = _safe_date(period.start.year + 1, period.start.month, period.start.day)
    if period.end < nominal_end:
        last = period.last_day
        full = Period(period.start, nominal_end)
        return _("%(year)s t.o.m. %(day)s %(month)s") % {
            "year": period_short(full),
            "day": last.day,
            "month": MONTHS[last.month - 1],
        }
    return period_short(period)


def new_result(block_type: str, title: str, rule: str, period: Period) -> dict:
    return {
        "block_type": block_type,
        "title": title,
        "rule": rule,
        "rule_label": RULES[rule][0],
        "period_label": period_label(period),
        "rule_text": rule_text(rule, period),
        "sentences": [],
        "figures": [],
        "tables": [],
        "charts": [],
        "items": [],
        "notes": [],
    }


def add_figure(result: dict, label: str, value: int) -> None:
    result["figures"].append({"label": label, "value": value})


def add_table(
    result: dict,
    *,
    key: str,
    caption: str,
    headers: list[str],
    rows: list[list],
    total: list | None | bool = None,
    note: str = "",
) -> dict:
    """A table whose total row is the column sums of `rows` (computed here, never typed in),
    so every printed table adds up. total=False: a key-figure table without a total."""
    if total is False:
        total = None
    elif total is None and rows and len(headers) > 1:
        sums = [sum(r[i] for r in rows) for i in range(1, len(headers))]
        total = [_("Totalt")] + sums
    table = {
        "key": key,
        "caption": caption,
        "headers": headers,
        "rows": rows,
        "total": total,
        "note": note,
    }
    result["tables"].append(table)
    return table


def _units(scope: BlockScope) -> None:
    if "unit_labels" not in scope.cache:
        rows = Unit.objects.filter(path__startswith=scope.unit.path).values_list(
            "pk", "path", "name"
        )
        scope.cache["unit_labels"] = {path: name for _pk, path, name in rows}
        scope.cache["unit_paths"] = {pk: path for pk, path, _name in rows}


def unit_labels(scope: BlockScope) -> dict[str, str]:
    """path → name for every unit in the subtree (one query, cached per scope)."""
    _units(scope)
    return scope.cache["unit_labels"]


def unit_paths(scope: BlockScope) -> dict[int, str]:
    """id → path for every unit in the subtree (the same query as `unit_labels`)."""
    _units(scope)
    return scope.cache["unit_paths"]


def group_depth(scope: BlockScope, group_kind: str | None) -> int:
    """Depth of the grouping level: the shallowest unit of `group_kind` in the subtree, else
    the children of the report's unit."""
    if group_kind:
        key = ("group_depth", group_kind)
        if key not in scope.cache:
            scope.cache[key] = (
                Unit.objects.filter(path__startswith=scope.unit.path, kind__code=group_kind)
                .order_by("depth")
                .values_list("depth", flat=True)
                .first()
            )
        if scope.cache[key]:
            return scope.cache[key]
    return scope.unit.depth + 1
