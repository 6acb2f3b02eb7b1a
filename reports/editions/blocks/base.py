"""What every data block shares: the scope it counts in, counting rules, Swedish numbers and
the result shape (plain JSON, so the same dict feeds the browser, the PDF and --json)."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cases.models import Unit
from reports.editions.models import Period, year_ending
from reports.editions.periods import period_label, period_short

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
    cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Treebeard rewrites paths when a sibling sorts before a unit (node_order_by): never
        # trust a path held in memory.
        self.unit = Unit.objects.get(pk=self.unit.pk)

    def period_for(self, year: int, which: str = "report") -> Period:
        month, day = self.analysis_start if which == "analysis" else self.period_start
        return year_ending(year, month, day)

    def in_subtree(self, qs: QuerySet, path_field: str = "unit__path") -> QuerySet:
        # Materialised path: the subtree is one prefix match, no recursion.
        return qs.filter(**{f"{path_field}__startswith": self.unit.path})

    @property
    def subtree_cases(self) -> QuerySet:
        return self.in_subtree(self.cases)


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


def unit_labels(scope: BlockScope) -> dict[str, str]:
    """path → name for every unit in the subtree (one query, cached per scope)."""
    if "unit_labels" not in scope.cache:
        scope.cache["unit_labels"] = dict(
            Unit.objects.filter(path__startswith=scope.unit.path).values_list("path", "name")
        )
    return scope.cache["unit_labels"]


def group_depth(scope: BlockScope, group_kind: str | None) -> int:
    """Depth of the grouping level: the shallowest unit of `group_kind` in the subtree, else
    the children of the report's unit."""
    if group_kind:
        depth = (
            Unit.objects.filter(path__startswith=scope.unit.path, kind__code=group_kind)
            .order_by("depth")
            .values_list("depth", flat=True)
            .first()
        )
        if depth:
            return depth
    return scope.unit.depth + 1
