"""Validate everything, then write everything in one transaction."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache

from django.db import connection, transaction
from django.utils import timezone

from cases.deadlines import due_by_rule
from cases.models import (
    Case,
    Code,
    CodeList,
    DeadlineRule,
    Measure,
    ReferenceCounter,
    Unit,
    UnitKind,
)
from cases.registry import case_type
from cases.services.org import unit_create
from cases.workflow import workflow_for

from . import bulk
from .errors import ImportError_, RowError
from .reader import read_rows

# The import format (docs/import.md) names every type's columns; the rows each type keeps
# beside the Case are written by its registered `CaseType.import_applier`.
# A complaint needs a type; a row without `klagomalstyp` gets this inactive code (created by
# the runner when needed) so the data say "unknown" rather than a guessed type.
UNKNOWN_TYPE = "okand"
UNKNOWN_TYPE_LABEL = "Okänd typ (importerad)"
CASE_TYPES = {
    "klagomal_utomstaende": ("complaint", "utomstaende"),
    "klagomal_personal": ("complaint", "personal"),
    "avvikelse": ("deviation", ""),
    "lex_sarah": ("lexsarah", ""),
}
TYPE_KEYS = {v: k for k, v in CASE_TYPES.items()}
CODE_COLUMNS = {
    "kategori": (CodeList.EVENT_CATEGORY, False),
    "brister": (CodeList.DEFICIENCY, True),
    "orsaker": (CodeList.ROOT_CAUSE, True),
    "amnen": (CodeList.COMPLAINT_TOPIC, True),
    "atgarder": (CodeList.MEASURE_TYPE, True),
    "klagomalstyp": (CodeList.COMPLAINT_TYPE, False),
    "avsandare": (CodeList.SENDER_CATEGORY, False),
    "kanal": (CodeList.CHANNEL, False),
    "konsekvens": (CodeList.CONSEQUENCE, False),
}
# Columns whose data only one kind can hold: anything else would be dropped silently.
KIND_ONLY_COLUMNS = {
    "amnen": ("complaint", "gäller bara klagomål"),
    "klagomalstyp": ("complaint", "gäller bara klagomål"),
    "avvikelse_konstaterad": ("complaint", "gäller bara klagomål"),
    "avsandare": ("complaint", "gäller bara klagomål"),
    "kanal": ("complaint", "gäller bara klagomål"),
    "aterkoppling": ("complaint", "gäller bara klagomål"),
    "aterkoppling_datum": ("complaint", "gäller bara klagomål"),
    "brister": ("deviation", "gäller bara avvikelser"),
    "orsaker": ("deviation", "gäller bara avvikelser"),
    "konsekvens": ("deviation", "gäller bara avvikelser"),
}
# Codes the import adds itself (inactive) when a row leaves a required value unknown.
FALLBACK_CODES = {(CodeList.COMPLAINT_TYPE, UNKNOWN_TYPE): UNKNOWN_TYPE_LABEL}
DATE_COLUMNS = [
    "inkom",
    "handelse",
    "avslutad",
    "au_datum",
    "ivo_anmald",
    "ivo_beslut_datum",
    "aterkoppling_datum",
]
ASSESSMENTS = {"inget", "risk", "missforhallande", "risk_allvarligt", "allvarligt"}
CASE_COLUMNS = [
    "typ",
    "extern_referens",
    "enhet",
    "inkom",
    "handelse",
    "avslutad",
    "rubrik",
    "beskrivning",
    "kategori",
    "brister",
    "orsaker",
    "amnen",
    "atgarder",
    "avvikelse_konstaterad",
    "bedomning",
    "au_datum",
    "ivo_anmald",
    "ivo_beslut_datum",
    "ivo_beslut",
    "klagomalstyp",
    "avsandare",
    "kanal",
    "aterkoppling",
    "aterkoppling_datum",
    "konsekvens",
]
UNIT_COLUMNS = ["kod", "namn", "typ", "foralder"]
UNIT_KIND_CODES = {"forvaltning", "avdelning", "verksamhetsomrade", "sektion", "enhet", "namnd"}


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    units_created: int = 0
    codes_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """What an applier gets for each new case: its id, kind and Avvika reference."""

    pk: int
    kind: str
    reference: str


@dataclass
class CaseRow:
    line: int
    kind: str
    source: str
    external_reference: str
    unit_code: str
    received: date
    occurred: date | None
    closed: date | None
    title: str
    description: str
    codes: dict[str, list[str]]
    raw: dict[str, str]
    dates: dict[str, date | None]


@lru_cache(maxsize=16384)
def _parse_date(value: str) -> date:
    # Cached: a file of 100 000 rows holds a few thousand distinct dates.
    return date.fromisoformat(value.strip()[:10])


def _check_header(header: list[str], expected: list[str], required: list[str]) -> None:
    missing = [c for c in required if c not in header]
    unknown = [c for c in header if c and c not in expected]
    errors = [RowError(1, c, "kolumnen saknas") for c in missing]
    errors += [RowError(1, c, "okänd kolumn") for c in unknown]
    if errors:
        raise ImportError_(errors)


# --- Units --------------------------------------------------------------------------------


def _validate_units(rows) -> list[RowError]:
    errors: list[RowError] = []
    codes_in_file = {r["kod"] for _, r in rows if r.get("kod")}
    existing = set(Unit.objects.values_list("code", flat=True))
    seen: set[str] = set()
    for line, r in rows:
        if not r.get("kod"):
            errors.append(RowError(line, "kod", "saknas"))
        elif r["kod"] in seen:
            errors.append(RowError(line, "kod", f"”{r['kod']}” förekommer flera gånger"))
        seen.add(r.get("kod", ""))
        if not r.get("namn"):
            errors.append(RowError(line, "namn", "saknas"))
        if r.get("typ") not in UNIT_KIND_CODES:
            errors.append(
                RowError(
                    line,
                    "typ",
                    f"”{r.get('typ', '')}” är ingen giltig enhetstyp "
                    f"({', '.join(sorted(UNIT_KIND_CODES))})",
                )
            )
        parent = r.get("foralder", "")
        if parent and parent not in codes_in_file and parent not in existing:
            errors.append(RowError(line, "foralder", f"enheten ”{parent}” finns inte"))
    return errors


def _apply_units(rows, user, filename: str) -> int:
    kinds = {k.code: k for k in UnitKind.objects.all()}
    pending = [r for _, r in rows if not Unit.objects.filter(code=r["kod"]).exists()]
    created = 0
    # Parents first: repeat passes until every row whose parent exists is created.
    while pending:
        progressed = False
        for r in list(pending):
            parent = Unit.objects.filter(code=r["foralder"]).first() if r["foralder"] else None
            if r["foralder"] and parent is None:
                continue
            unit_create(
                code=r["kod"],
                name=r["namn"],
                kind=kinds[r["typ"]],
                parent=parent,
                actor=user,
                reason=f"Import från {filename}",
            )
            pending.remove(r)
            created += 1
            progressed = True
        if not progressed:
            raise ImportError_([RowError(1, "foralder", "cirkulära föräldrarelationer")])
    return created


# --- Cases --------------------------------------------------------------------------------


def _validate_cases(
    rows, unit_codes: set[str], create_codes: bool
) -> tuple[list[CaseRow], list[RowError], dict]:
    errors: list[RowError] = []
    known = defaultdict(set)
    for cl, c in Code.objects.values_list("codelist", "code"):
        known[cl].add(c)
    unknown_codes: dict[tuple[str, str], int] = {}
    parsed: list[CaseRow] = []
    seen_refs: dict[tuple[str, str], int] = {}
    for line, r in rows:
        row_errors: list[RowError] = []
        typ = r.get("typ", "")
        if typ not in CASE_TYPES:
            row_errors.append(
                RowError(line, "typ", f"”{typ}” är ingen giltig typ ({', '.join(CASE_TYPES)})")
            )
            errors.extend(row_errors)
            continue
        kind, source = CASE_TYPES[typ]
        ref = r.get("extern_referens", "")
        if not ref:
            row_errors.append(RowError(line, "extern_referens", "saknas"))
        elif (kind, ref) in seen_refs:
            row_errors.append(
                RowError(
                    line, "extern_referens", f"”{ref}” finns redan på rad {seen_refs[(kind, ref)]}"
                )
            )
        else:
            seen_refs[(kind, ref)] = line
        if len(ref) > 100:
            row_errors.append(RowError(line, "extern_referens", "längre än 100 tecken"))
        if not r.get("enhet"):
            row_errors.append(RowError(line, "enhet", "saknas"))
        elif r["enhet"] not in unit_codes:
            row_errors.append(RowError(line, "enhet", f"enheten ”{r['enhet']}” finns inte"))
        dates: dict[str, date | None] = {}
        for col in DATE_COLUMNS:
            value = r.get(col, "")
            if not value:
                dates[col] = None
                if col == "inkom":
                    row_errors.append(RowError(line, col, "saknas"))
                continue
            try:
                dates[col] = _parse_date(value)
            except ValueError:
                row_errors.append(
                    RowError(line, col, f"”{value}” är inget giltigt datum (använd ÅÅÅÅ-MM-DD)")
                )
        if dates.get("inkom") and dates.get("avslutad") and dates["avslutad"] < dates["inkom"]:
            row_errors.append(RowError(line, "avslutad", "ligger före inkom"))
        row_errors += _reply_errors(line, r, dates)
        if len(r.get("rubrik", "")) > 200:
            row_errors.append(RowError(line, "rubrik", "längre än 200 tecken"))
        if "\x00" in "".join(r.values()):  # one scan per row; the detail only when needed
            for col, value in r.items():
                if "\x00" in value:
                    row_errors.append(RowError(line, col, "innehåller otillåtna tecken (NUL)"))
        codes: dict[str, list[str]] = {}
        for col, (codelist, multi) in CODE_COLUMNS.items():
            raw = r.get(col, "")
            if not raw:
                codes[col] = []
                continue
            values = [v.strip() for v in raw.split("|") if v.strip()]
            if len(values) > 1 and not multi:
                row_errors.append(RowError(line, col, "bara ett värde är tillåtet"))
            for v in values:
                if v not in known[codelist]:
                    if create_codes:
                        unknown_codes.setdefault((codelist, v), line)
                    else:
                        row_errors.append(RowError(line, col, f"okänd kod ”{v}”"))
            codes[col] = values
        for col, (only_kind, message) in KIND_ONLY_COLUMNS.items():
            if kind != only_kind and r.get(col):
                row_errors.append(RowError(line, col, message))
        if kind == "complaint" and not codes["klagomalstyp"]:
            codes["klagomalstyp"] = [UNKNOWN_TYPE]
            if UNKNOWN_TYPE not in known[CodeList.COMPLAINT_TYPE]:
                unknown_codes.setdefault((CodeList.COMPLAINT_TYPE, UNKNOWN_TYPE), line)
        found = r.get("avvikelse_konstaterad", "").lower()
        if found and found not in {"ja", "nej"}:
            row_errors.append(RowError(line, "avvikelse_konstaterad", "ange ja eller nej"))
        assessment = r.get("bedomning", "")
        if assessment and assessment not in ASSESSMENTS:
            row_errors.append(
                RowError(
                    line,
                    "bedomning",
                    f"”{assessment}” är ingen giltig bedömning ({', '.join(sorted(ASSESSMENTS))})",
                )
            )
        if kind != "lexsarah":
            for col in ("bedomning", "au_datum", "ivo_anmald", "ivo_beslut_datum", "ivo_beslut"):
                if r.get(col):
                    row_errors.append(RowError(line, col, "gäller bara lex Sarah"))
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append(
            CaseRow(
                line=line,
                kind=kind,
                source=source,
                external_reference=ref,
                unit_code=r["enhet"],
                received=dates["inkom"],
                occurred=dates["handelse"],
                closed=dates["avslutad"],
                title=r.get("rubrik", "") or f"Importerat ärende {ref}",
                description=r.get("beskrivning", ""),
                codes=codes,
                raw=r,
                dates=dates,
            )
        )
    return parsed, errors, unknown_codes


def _reply_errors(line: int, r: dict[str, str], dates: dict[str, date | None]) -> list[RowError]:
    """A complaint's reply (återkoppling) lies between receipt and closing, and a reply text
    needs its date: the case page and the receipt page show both."""
    replied = dates.get("aterkoppling_datum")
    errors = []
    if r.get("aterkoppling") and not r.get("aterkoppling_datum"):
        errors.append(RowError(line, "aterkoppling_datum", "saknas när återkoppling är ifylld"))
    if replied and dates.get("inkom") and replied < dates["inkom"]:
        errors.append(RowError(line, "aterkoppling_datum", "ligger före inkom"))
    if replied and dates.get("avslutad") and replied > dates["avslutad"]:
        errors.append(RowError(line, "aterkoppling_datum", "ligger efter avslutad"))
    return errors


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


class _Deadlines:
    """due_for per (kind, step, day) once per import: a deadline depends only on the day, and
    the rules are read in one query (one per day was thousands of queries at 100 000 rows)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str, date], datetime | None] = {}
        self._rules = {(r.kind, r.step): r for r in DeadlineRule.objects.all()}

    def due(self, kind: str, step: str, day: date) -> datetime | None:
        if not step:
            return None
        key = (kind, step, day)
        if key not in self._known:
            self._known[key] = due_by_rule(self._rules.get((kind, step)), _aware(day))
        return self._known[key]


def _existing(parsed: list[CaseRow]) -> set[tuple[str, str]]:
    """(kind, extern_referens) already imported: one query with one array parameter."""
    refs = sorted({p.external_reference for p in parsed})
    if not refs:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, external_reference FROM {Case._meta.db_table} "  # noqa: S608 - our table
            "WHERE external_reference = ANY(%s)",
            [refs],
        )
        return set(cursor.fetchall())


def _type_key(p: CaseRow) -> str:
    return TYPE_KEYS[(p.kind, p.source)]


def _apply_cases(parsed: list[CaseRow], user, filename: str, unknown_codes: dict) -> ImportResult:
    """Cases, their history and measures by COPY / INSERT … SELECT (cases.imports.bulk), then
    each kind's applier. Every row gets a history row with the file name and the user."""
    result = ImportResult()
    for (codelist, code), _line in sorted(unknown_codes.items()):
        Code.objects.create(
            codelist=codelist,
            code=code[:60],
            active=False,
            order=999,
            label=FALLBACK_CODES.get((codelist, code), code),
        )
        result.codes_created.append(f"{codelist}:{code}")
    existing = _existing(parsed)
    todo = [p for p in parsed if (p.kind, p.external_reference) not in existing]
    result.skipped = len(parsed) - len(todo)
    units = dict(Unit.objects.values_list("code", "id"))
    codes = {(c.codelist, c.code): c for c in Code.objects.all()}
    groups: dict[tuple[str, int], list[CaseRow]] = defaultdict(list)
    for p in sorted(todo, key=lambda p: (p.received, p.line)):
        groups[(p.kind, p.received.year)].append(p)
    reason = f"Import från {filename}"
    now = timezone.now()
    ids = iter(bulk.next_ids(Case, len(todo)))
    pairs: list[tuple[ImportedCase, CaseRow]] = []
    case_rows: list[dict] = []
    deadlines = _Deadlines()
    for (kind, year), items in groups.items():
        wf = workflow_for(kind)
        closed_status = sorted(wf.closed)[0]
        prefix = case_type(kind).reference_prefix
        numbers = _allocate_numbers(prefix, year, len(items))
        for number, p in zip(numbers, items, strict=True):
            case = ImportedCase(pk=next(ids), kind=kind, reference=f"{prefix}-{year}-{number:04d}")
            category = (
                codes[(CodeList.EVENT_CATEGORY, p.codes["kategori"][0])]
                if p.codes["kategori"]
                else None
            )
            # An open case lands in the first status with that status's deadline, as if it
            # had been registered in Avvika on the day it was received: overdue shows.
            due_step = "" if p.closed else wf.deadline_steps.get(wf.initial, "")
            case_rows.append(
                {
                    "id": case.pk,
                    "kind": kind,
                    "reference": case.reference,
                    "unit_id": units[p.unit_code],
                    "title": p.title[:200],
                    "description": p.description,
                    "occurred_on": p.occurred,
                    "received_at": _aware(p.received),
                    "closed_at": _aware(p.closed) if p.closed else None,
                    "due_step": due_step,
                    "due_at": deadlines.due(kind, due_step, p.received),
                    "status": closed_status if p.closed else wf.initial,
                    "event_category_id": category.pk if category else None,
                    "imported_from": filename[:200],
                    "external_reference": p.external_reference,
                }
            )
            pairs.append((case, p))
    bulk.copy_rows(Case, case_rows, now=now)
    case_ids = [case.pk for case, _p in pairs]
    bulk.history_from_rows(Case, "id", case_ids, user=user, reason=reason, now=now)
    user_id = getattr(user, "pk", None)
    measures = []
    for case, p in pairs:
        for code in p.codes["atgarder"]:
            mt = codes[(CodeList.MEASURE_TYPE, code)]
            measures.append(
                {
                    "case_id": case.pk,
                    "measure_type_id": mt.pk,
                    "description": f"{mt.label} (importerad)",
                    "status": Measure.Status.DONE if p.closed else Measure.Status.PLANNED,
                    "completed_on": p.closed,
                    "created_by_id": user_id,
                }
            )
    bulk.copy_rows(Measure, measures, now=now, skip=("id",))
    bulk.history_from_rows(Measure, "case_id", case_ids, user=user, reason=reason, now=now)
    by_kind: dict[str, list] = defaultdict(list)
    for case, p in pairs:
        by_kind[case.kind].append((case, p))
    for kind, items in by_kind.items():
        # The type's own rows (complaint source, deviation categories, lex Sarah dates),
        # written in bulk by its registered applier; a type without one imports Case fields.
        applier = case_type(kind).import_applier
        if applier is not None:
            applier(items, codes=codes, user=user, reason=reason)
    result.created = len(pairs)
    for _case, p in pairs:
        result.by_type[_type_key(p)] = result.by_type.get(_type_key(p), 0) + 1
    return result


def import_units_file(data: bytes, filename: str, *, user, dry_run: bool = False) -> ImportResult:
    header, rows = read_rows(data, filename)
    _check_header(header, UNIT_COLUMNS, ["kod", "namn", "typ"])
    for _, r in rows:
        r.setdefault("foralder", "")
    errors = _validate_units(rows)
    if errors:
        raise ImportError_(errors)
    result = ImportResult(dry_run=dry_run)
    if not dry_run:
        with transaction.atomic():
            result.units_created = _apply_units(rows, user, filename)
    else:
        result.units_created = sum(
            1 for _, r in rows if not Unit.objects.filter(code=r["kod"]).exists()
        )
    return result


def import_cases_file(
    data: bytes,
    filename: str,
    *,
    user,
    dry_run: bool = False,
    create_codes: bool = False,
    units_data: bytes | None = None,
    units_filename: str = "",
) -> ImportResult:
    """All-or-nothing: any error in either file raises ImportError_ and writes nothing."""
    unit_rows = []
    if units_data is not None:
        uheader, unit_rows = read_rows(units_data, units_filename)
        _check_header(uheader, UNIT_COLUMNS, ["kod", "namn", "typ"])
        for _, r in unit_rows:
            r.setdefault("foralder", "")
        unit_errors = _validate_units(unit_rows)
        if unit_errors:
            raise ImportError_(unit_errors)
    header, rows = read_rows(data, filename)
    _check_header(header, CASE_COLUMNS, ["typ", "extern_referens", "enhet", "inkom"])
    unit_codes = set(Unit.objects.values_list("code", flat=True)) | {r["kod"] for _, r in unit_rows}
    parsed, errors, unknown_codes = _validate_cases(rows, unit_codes, create_codes)
    if errors:
        raise ImportError_(errors)
    if dry_run:
        existing = _existing(parsed)
        new = [p for p in parsed if (p.kind, p.external_reference) not in existing]
        result = ImportResult(
            dry_run=True,
            created=len(new),
            skipped=len(parsed) - len(new),
            codes_created=[f"{cl}:{c}" for cl, c in unknown_codes],
        )
        for p in new:
            result.by_type[_type_key(p)] = result.by_type.get(_type_key(p), 0) + 1
        return result
    with transaction.atomic():
        units_created = _apply_units(unit_rows, user, units_filename) if unit_rows else 0
        result = _apply_cases(parsed, user, filename, unknown_codes)
        result.units_created = units_created
    return result
