"""The one way a stateful row changes status (DESIGN §8.2).

Every model with a `status` (cases, risk analyses, egenkontroller, kvalitetsberättelser, unit
analyses, supervision cases and their measures, measures, development areas, background jobs)
moves through `transition()`: lock the row and read it fresh, check the move against the
model's ALLOWED_TRANSITIONS table, let the caller refuse (the actor's right, a precondition),
set status, the timestamp that goes with the target and the caller's fields, bump `version`,
and save with user and reason in the history. Nothing else assigns `.status`
(tests/cases/test_transition_helper.py checks the source).

Choice: a small helper rather than django-fsm-2. The tables stay plain dicts beside the models
(the case types register theirs in a `Workflow`), the history row with user and reason comes
from the same `audited_save` as every other write, and the workflow stays in services instead
of decorated model methods (§8.1). Who may perform a move is decided by `cases.actions`; the
caller passes that check in, so there is one rule book, not a second one here.
"""

from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime
from typing import Any, TypeVar, cast

from django.db import models, transaction
from django.utils import timezone

from cases.types import User

from .errors import TransitionNotAllowed
from .history import audited_save

M = TypeVar("M", bound=models.Model)
Hook = Callable[[Any], object]


@transaction.atomic
def transition(
    obj: M,
    *,
    to: str,
    actor: User | None,
    reason: str,
    table: Mapping[Any, Collection[str]] | None = None,
    stamp: Mapping[Any, str] | None = None,
    sources: Collection[str] | None = None,
    check: Hook | None = None,
    derive: Hook | None = None,
    labels: Callable[[str], str] | None = None,
    queryset: models.QuerySet | None = None,
    locked: bool = False,
    bump_version: bool = True,
    **fields: Any,
) -> M:
    """Move `obj` to status `to` and return the saved, locked row (a fresh instance).

    table: from-status → allowed to-statuses; the model's ALLOWED_TRANSITIONS by default.
    stamp: status → the date/datetime field that records entering it (set to now/today).
    sources: the from-statuses this particular arrow leaves from, where two arrows share a
        target (egenkontroll: start and reopen both end in pågår).
    check(row): runs on the locked row before anything changes; raises to refuse (pass
        `cases.actions.action_require` here, or a precondition). It may also set fields that
        must be computed from the locked row and are written with the move.
    derive(row): runs after status, stamp and fields are set; fields that follow from the new
        status (a case's deadline).
    labels: status → Swedish label for the refusal; the status field's choices by default.
    queryset: what the row is locked through (select_related for the checks).
    locked: the caller already holds `obj` with select_for_update in this transaction (a sweep
        over many rows with skip_locked); it is not read again.
    bump_version: False where `version` guards something a status change must not touch.
    fields: further values written with the move (who approved, a reopened row's cleared date).
    """
    row = obj if locked else _lock(obj, queryset)
    table = type(row).ALLOWED_TRANSITIONS if table is None else table  # type: ignore[attr-defined]
    current = row.status  # type: ignore[attr-defined]
    if (sources is not None and current not in sources) or to not in table.get(current, ()):
        label = labels or _choice_label(type(row))
        raise TransitionNotAllowed(label(current), label(to))
    if check is not None:
        check(row)
    row.status = to  # type: ignore[attr-defined]
    stamped = (stamp or {}).get(to)
    if stamped:
        setattr(row, stamped, _now_for(row, stamped))
    for name, value in fields.items():
        setattr(row, name, value)
    if derive is not None:
        derive(row)
    if bump_version and _has_field(row, "version"):
        row.version += 1  # type: ignore[attr-defined]
    if _audited(row):
        return audited_save(row, actor=actor, reason=reason)
    # Operational rows (jobs) keep no history: a plain save, as cheap as before.
    row.save()
    return row


def next_statuses(
    obj: models.Model, table: Mapping[Any, Collection[str]] | None = None
) -> set[str]:
    """The statuses `obj` may move to from where it is: what a form offers (the same table
    `transition()` checks, so the page never offers a move the helper refuses)."""
    table = type(obj).ALLOWED_TRANSITIONS if table is None else table  # type: ignore[attr-defined]
    return set(table.get(obj.status, ()))  # type: ignore[attr-defined]


def _lock(obj: M, queryset: models.QuerySet | None) -> M:
    qs = type(obj)._default_manager.all() if queryset is None else queryset
    # of=self: related rows read for the checks are not locked, and a nullable join is allowed.
    return qs.select_for_update(of=("self",)).get(pk=obj.pk)


def _choice_label(model: type[models.Model]) -> Callable[[str], str]:
    field = cast(models.Field, model._meta.get_field("status"))
    choices = {str(k): str(v) for k, v in field.flatchoices}
    return lambda status: choices.get(str(status), str(status))


def _now_for(row: models.Model, name: str) -> datetime | date:
    field = row._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    # A date field records the local day (Europe/Stockholm), not the UTC one.
    return timezone.localdate()


def _has_field(row: models.Model, name: str) -> bool:
    return any(f.name == name for f in row._meta.concrete_fields)


def _audited(row: models.Model) -> bool:
    # simple-history marks the models it tracks on their options when the registry is ready.
    return hasattr(row._meta, "simple_history_manager_attribute")
