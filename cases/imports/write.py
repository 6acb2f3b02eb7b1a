"""Writing a validated import in one transaction: the cases first, then their measures and
each type's own rows, every row with its history row (cases.imports.bulk: COPY, history by
INSERT … SELECT).

The cases go first because the statistics triggers (reports migration 0008) append a new
type row's codes to its case's facts row, which the case's own INSERT made: written before
its case, a row would be lost from the statistics.
"""

from collections import defaultdict
from datetime import date, datetime, time
from functools import lru_cache

from django.db import connection
from django.utils import timezone

from cases.deadlines import due_by_rule
from cases.models import Case, Code, CodeList, DeadlineRule, Measure, ReferenceCounter, Unit
from cases.registry import bulk_write_hooks, case_type
from cases.workflow import workflow_for

from . import bulk
from .spec import (
    FALLBACK_CODES,
    TYPE_KEYS,
    CaseRow,
    ImportedCase,
    ImportResult,
)

CASE_ROW = (
    "id",
    "kind",
    "reference",
    "unit_id",
    "title",
    "description",
    "occurred_on",
    "received_at",
    "closed_at",
    "due_step",
    "due_at",
    "status",
    "event_category_id",
    "imported_from",
    "external_reference",
)
MEASURE_ROW = (
    "case_id",
    "measure_type_id",
    "description",
    "status",
    "completed_on",
    "created_by_id",
)


@lru_cache(maxsize=8192)
def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def _allocate_numbers(prefix: str, year: int, count: int) -> range:
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (prefix, year, last_number) VALUES (%s, %s, %s)
                ON CONFLICT (prefix, year)
                DO UPDATE SET last_number = {table}.last_number + EXCLUDED.last_number
                RETURNING last_number""",  # noqa: S608 - our table name, values are parameters
            [prefix, year, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


def existing_refs(refs: set[str]) -> set[tuple[str, str]]:
    """(kind, extern_referens) already imported: one query with one array parameter."""
    if not refs:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, external_reference FROM {Case._meta.db_table} "  # noqa: S608 - our table
            "WHERE external_reference = ANY(%s)",
            [sorted(refs)],
        )
        return set(cursor.fetchall())


def create_codes(unknown_codes: dict, result: ImportResult) -> None:
    """The codes the file needs that do not exist (all of them with create_codes, else only
    the complaint type "okand"), inactive so that new cases are not offered them."""
    for (codelist, code), _line in sorted(unknown_codes.items()):
        Code.objects.create(
            codelist=codelist,
            code=code[:60],
            active=False,
            order=999,
            label=FALLBACK_CODES.get((codelist, code), code),
        )
        result.codes_created.append(f"{codelist}:{code}")


class _CaseRows:
    """A valid row as the tuple of CASE_ROW that becomes its case. Everything it looks up is
    read before the COPY starts: no query can run while it is open."""

    def __init__(self, filename: str) -> None:
        self.units = dict(Unit.objects.values_list("code", "id"))
        self.categories = dict(
            Code.objects.filter(codelist=CodeList.EVENT_CATEGORY).values_list("code", "id")
        )
        self.rules = {(r.kind, r.step): r for r in DeadlineRule.objects.all()}
        self.due: dict[tuple[str, str, date], datetime | None] = {}
        self.flows: dict[str, tuple[str, str, str]] = {}
        self.filename = filename[:200]

    def _flow(self, kind: str) -> tuple[str, str, str]:
        """(first status, closed status, the first status's deadline step) of the kind."""
        if kind not in self.flows:
            wf = workflow_for(kind)
            self.flows[kind] = (
                wf.initial,
                sorted(wf.closed)[0],
                wf.deadline_steps.get(wf.initial, ""),
            )
        return self.flows[kind]

    def _due_at(self, kind: str, step: str, day: date) -> datetime | None:
        """A deadline depends only on the day: once per (kind, step, day) in a file, the rules
        read in one query (one per day was thousands of queries at 100 000 rows)."""
        if not step:
            return None
        key = (kind, step, day)
        if key not in self.due:
            self.due[key] = due_by_rule(self.rules.get((kind, step)), _aware(day))
        return self.due[key]

    def row(self, case: ImportedCase, p: CaseRow) -> tuple:
        initial, closed_status, step = self._flow(case.kind)
        # An open case lands in the first status with that status's deadline, as if it had
        # been registered in Avvika on the day it was received: overdue shows.
        due_step = "" if p.closed else step
        category = p.codes["kategori"]
        return (
            case.pk,
            case.kind,
            case.reference,
            self.units[p.unit_code],
            p.title[:200],
            p.description,
            p.occurred,
            _aware(p.received),
            _aware(p.closed) if p.closed else None,
            due_step,
            self._due_at(case.kind, due_step, p.received),
            closed_status if p.closed else initial,
            self.categories[category[0]] if category else None,
            self.filename,
            p.external_reference,
        )


def _number(todo: list[CaseRow]) -> list[tuple[ImportedCase, CaseRow]]:
    """Each new case's id and reference: numbered per kind and year of receipt in order of the
    day received, then the line; ids in the same order."""
    groups: dict[tuple[str, int], list[CaseRow]] = defaultdict(list)
    for p in sorted(todo, key=lambda p: (p.received, p.line)):
        groups[(p.kind, p.received.year)].append(p)
    ids = iter(bulk.next_ids(Case, len(todo)))
    pairs = []
    for (kind, year), items in groups.items():
        prefix = case_type(kind).reference_prefix
        for number, p in zip(_allocate_numbers(prefix, year, len(items)), items, strict=True):
            reference = f"{prefix}-{year}-{number:04d}"
            pairs.append((ImportedCase(pk=next(ids), kind=kind, reference=reference), p))
    return pairs


def write_cases(parsed: list[CaseRow], unknown_codes: dict, *, user, filename: str) -> ImportResult:
    """Write the validated rows not imported before, cases first (see the module). Every new
    row gets a history row with the file name and the user as on an ordinary save."""
    result = ImportResult()
    create_codes(unknown_codes, result)
    existing = existing_refs({p.external_reference for p in parsed})
    todo = [p for p in parsed if (p.kind, p.external_reference) not in existing]
    result.skipped = len(parsed) - len(todo)
    pairs = _number(todo)
    # The statistics' facts are computed once for the new cases at the end rather than per
    # COPY (reports.bulk); a failed write rolls the whole transaction back, hooks included.
    hooks = bulk_write_hooks()
    for hook in hooks:
        hook.begin()
    reason = f"Import från {filename}"
    now = timezone.now()
    case_rows = _CaseRows(filename)
    bulk.copy_rows(Case, CASE_ROW, (case_rows.row(case, p) for case, p in pairs), now=now)
    case_ids = [case.pk for case, _p in pairs]
    bulk.history_from_rows(Case, "id", case_ids, user=user, reason=reason, now=now)
    codes = {(c.codelist, c.code): c for c in Code.objects.all()}
    _write_measures(pairs, codes, user=user, reason=reason, now=now)
    by_kind: dict[str, list] = defaultdict(list)
    for case, p in pairs:
        by_kind[case.kind].append((case, p))
    for kind, items in by_kind.items():
        # The type's own rows (complaint source, deviation categories, lex Sarah dates),
        # written in bulk by its registered applier; a type without one imports Case fields.
        applier = case_type(kind).import_applier
        if applier is not None:
            applier(items, codes=codes, user=user, reason=reason)
    for hook in hooks:
        hook.end(case_ids)
    result.created = len(pairs)
    for _case, p in pairs:
        key = TYPE_KEYS[(p.kind, p.source)]
        result.by_type[key] = result.by_type.get(key, 0) + 1
    return result


def _write_measures(pairs, codes, *, user, reason: str, now: datetime) -> None:
    user_id = getattr(user, "pk", None)
    rows = []
    for case, p in pairs:
        for code in p.codes["atgarder"]:
            mt = codes[(CodeList.MEASURE_TYPE, code)]
            status = Measure.Status.DONE if p.closed else Measure.Status.PLANNED
            rows.append((case.pk, mt.pk, f"{mt.label} (importerad)", status, p.closed, user_id))
    bulk.copy_rows(Measure, MEASURE_ROW, rows, now=now, skip=("id",))
    case_ids = [case.pk for case, _p in pairs]
    bulk.history_from_rows(Measure, "case_id", case_ids, user=user, reason=reason, now=now)
