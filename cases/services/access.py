"""Access log writes: every read, export and print of case data (DESIGN §5, docs/security.md).

The case types call these; the core never imports a type. A type names its objects by passing
the model instance (its content type is the generic reference), a readable label (kept as text,
so the row reads after gallring) and the ids of the units the object concerns.
"""

from collections.abc import Callable, Iterable, Mapping

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, Model, OuterRef
from django.http import HttpRequest
from django.utils import timezone

from cases.models import AccessAction, AccessLog, Case, Unit
from cases.types import User

# One (id, readable reference) per object a page showed.
ShownPairs = Iterable[tuple[int, str]]


def _ip(request: HttpRequest | None) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _case_type_id() -> int:
    # ContentType caches per process: a query the first time only.
    return ContentType.objects.get_for_model(Case).pk


def access_log_record(
    *, user: User, case: Case, action: str, request: HttpRequest | None = None, detail: str = ""
) -> AccessLog:
    return AccessLog.objects.create(**_case_fields(case), **_common(user, action, request, detail))


def _case_fields(case: Case) -> dict:
    return {
        "case": case,
        "case_reference": case.reference,
        "unit_id": case.unit_id,
        "content_type_id": _case_type_id(),
        "object_id": case.pk,
        "object_label": case.reference,
    }


def _common(user: User, action: str, request: HttpRequest | None, detail: str) -> dict:
    return {"user": user, "action": action, "detail": detail[:300], "ip": _ip(request)}


def access_log_record_many(
    *,
    user: User,
    cases: Iterable[Case],
    action: str,
    request: HttpRequest | None = None,
    detail: str = "",
) -> int:
    """One row per case, written in ONE statement whatever the number of cases (exports hold
    thousands, an API page a hundred): the rows are unnested from three arrays in SQL, so no
    model instance is built per row."""
    ids, references, unit_ids = [], [], []
    for case in cases:
        ids.append(case.pk)
        references.append(case.reference)
        unit_ids.append(case.unit_id)
    if not ids:
        return 0
    table = AccessLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (at, user_id, action, detail, ip, content_type_id, shown,
                                 case_id, object_id, case_reference, object_label, unit_id)
            SELECT %s, %s, %s, %s, %s::inet, %s, '{{}}'::jsonb, c.id, c.id, c.ref, c.ref, c.unit
            FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS c(id, ref, unit)
            """,  # noqa: S608 - the table name is ours, every value is a parameter
            [
                timezone.now(),
                user.pk,
                action,
                detail[:300],
                _ip(request),
                _case_type_id(),
                ids,
                references,
                unit_ids,
            ],
        )
    return len(ids)


def access_log_record_unit(
    *, user: User, unit: Unit, action: str, request: HttpRequest | None = None, detail: str = ""
) -> AccessLog:
    """An export that holds figures, not cases (statistics): one row for the unit it covers,
    so the unit's chefs see it in loggkontroll."""
    return AccessLog.objects.create(
        case=None, case_reference="", unit_id=unit.pk, **_common(user, action, request, detail)
    )


def access_log_record_object(
    *,
    user: User,
    obj: Model,
    label: str,
    unit_ids: Iterable[int | None],
    action: str = AccessAction.READ,
    request: HttpRequest | None = None,
    detail: str = "",
    shown: Mapping[type[Model], ShownPairs] | None = None,
) -> AccessLog:
    """A read of an audited object that is not a case (an investigation, a supervision, a risk
    analysis, an egenkontroll run). `shown`: the cases (or other objects) the page lists with
    it, in the same row. Filed under the smallest unit covering `unit_ids` (see
    `covering_unit_id`); pass the shown objects' units too, so that whoever reviews the row
    has every object in it in scope. Two queries, whatever the number of objects shown."""
    return AccessLog.objects.create(
        content_type_id=ContentType.objects.get_for_model(obj).pk,
        object_id=obj.pk,
        object_label=label[:200],
        unit_id=covering_unit_id(unit_ids),
        shown=_shown(shown or {}),
        **_common(user, action, request, detail),
    )


def access_log_record_list(
    *,
    user: User,
    shown: Mapping[type[Model], ShownPairs],
    unit_ids: Iterable[int | None],
    request: HttpRequest | None = None,
    detail: str = "",
) -> AccessLog | None:
    """A list page: ONE row per view holding every object shown, in one INSERT (plus one
    read for the covering unit), so logging costs the same for every page. A page that shows nothing
    reads nothing and writes nothing."""
    return _record_list(user, _shown(shown), lambda: covering_unit_id(unit_ids), request, detail)


def _record_list(
    user: User,
    data: dict[str, list[list]],
    covering_unit: Callable[[], int | None],
    request: HttpRequest | None,
    detail: str,
) -> AccessLog | None:
    if not data:
        return None
    return AccessLog.objects.create(
        unit_id=covering_unit(), shown=data, **_common(user, AccessAction.LIST, request, detail)
    )


def _shown(shown: Mapping[type[Model], ShownPairs]) -> dict[str, list[list]]:
    data = {}
    for model, pairs in shown.items():
        seen: set[int] = set()
        listed = []
        for pk, label in pairs:
            if pk not in seen:  # a case in two lists of one page is one case shown
                seen.add(pk)
                listed.append([int(pk), str(label)])
        if listed:
            data[model._meta.label_lower] = listed
    return data


def covering_unit_id(unit_ids: Iterable[int | None]) -> int | None:
    """The smallest unit whose subtree holds every unit in `unit_ids`: the row is reviewed by
    the chefs over all of them (loggkontroll and the egenkontroll sample go by unit subtree).
    One query whatever the units (none without units), so a list page's logging costs the same
    for any page: the deepest ancestor-or-self of one unit that no given unit lies outside."""
    ids = sorted({pk for pk in unit_ids if pk is not None})
    if not ids:
        return None
    outside = Unit.objects.filter(pk__in=ids).exclude(path__startswith=OuterRef("path"))
    above_first = Unit.objects.filter(pk=ids[0], path__startswith=OuterRef("path"))
    return (
        Unit.objects.filter(Exists(above_first), ~Exists(outside))
        .order_by("-depth")
        .values_list("pk", flat=True)
        .first()
    )


def access_log_record_case_list(
    *,
    user: User,
    cases: Iterable[Case],
    request: HttpRequest | None = None,
    detail: str = "",
) -> AccessLog | None:
    """A page that lists cases (the inbox, search results, "mina rapporter", the start page):
    one row with every case's id and reference."""
    cases = list(cases)
    data = _shown({Case: [(c.pk, c.reference) for c in cases]})
    return _record_list(user, data, lambda: _covering_unit_of_cases(cases), request, detail)


def _covering_unit_of_cases(cases: list[Case]) -> int | None:
    """`covering_unit_id` for cases whose units are already loaded (a list page selects them
    with the row): the longest common materialised path, whole steps only, is the covering
    unit, so the lookup is one primary-key-free `path =` read, or none when it is one of the
    rows' units. Falls back to the general query when a unit is not loaded."""
    if not all(Case.unit.is_cached(c) for c in cases):
        return covering_unit_id(c.unit_id for c in cases)
    units = {c.unit.path: c.unit_id for c in cases}
    paths = sorted(units)
    first, last = paths[0], paths[-1]  # the common prefix of a sorted list is theirs
    common = 0
    while common < min(len(first), len(last)) and first[common] == last[common]:
        common += 1
    prefix = first[: common - common % Unit.steplen]
    if not prefix:
        return None
    if prefix in units:
        return units[prefix]
    return Unit.objects.filter(path=prefix).values_list("pk", flat=True).first()
