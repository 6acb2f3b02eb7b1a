"""Validate everything, then write everything in one transaction (cases.imports.write)."""

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from django.db import transaction

from cases.models import Code, CodeList, Unit, UnitKind
from cases.services.org import unit_create

from . import write
from .errors import ImportError_, RowError
from .reader import read_rows
from .spec import (
    ASSESSMENTS,
    CASE_COLUMNS,
    CASE_TYPES,
    CODE_COLUMNS,
    DATE_COLUMNS,
    KIND_ONLY_COLUMNS,
    TYPE_KEYS,
    UNIT_COLUMNS,
    UNIT_KIND_CODES,
    UNKNOWN_TYPE,
    CaseRow,
    ImportResult,
)
from .spec import parse_date as _parse_date

__all__ = ["CASE_COLUMNS", "UNKNOWN_TYPE", "ImportResult", "import_cases_file", "import_units_file"]


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
            # Most cells hold one code, already stripped by the reader.
            values = [v.strip() for v in raw.split("|") if v.strip()] if "|" in raw else [raw]
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


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """An import holds every row at once (a dict, a CaseRow, tuples: millions of objects at
    100 000 rows), none of them in a reference cycle. The cyclic collector's passes over them
    were more than half of the validation's time (issue 16); reference counting still frees
    them, and the collector runs again when the import is done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
    with _without_cyclic_gc():
        return _import_cases(
            data,
            filename,
            user=user,
            dry_run=dry_run,
            create_codes=create_codes,
            units_data=units_data,
            units_filename=units_filename,
        )


def _import_cases(
    data: bytes,
    filename: str,
    *,
    user,
    dry_run: bool,
    create_codes: bool,
    units_data: bytes | None,
    units_filename: str,
) -> ImportResult:
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
        existing = write.existing_refs({p.external_reference for p in parsed})
        new = [p for p in parsed if (p.kind, p.external_reference) not in existing]
        result = ImportResult(
            dry_run=True,
            created=len(new),
            skipped=len(parsed) - len(new),
            codes_created=[f"{cl}:{c}" for cl, c in unknown_codes],
        )
        for p in new:
            key = TYPE_KEYS[(p.kind, p.source)]
            result.by_type[key] = result.by_type.get(key, 0) + 1
        return result
    with transaction.atomic():
        units_created = _apply_units(unit_rows, user, units_filename) if unit_rows else 0
        result = write.write_cases(parsed, unknown_codes, user=user, filename=filename)
        result.units_created = units_created
    return result
