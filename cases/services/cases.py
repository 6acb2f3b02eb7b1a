"""Creating, editing and moving cases through their workflow."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.deadlines import due_for
from cases.models import Case, Unit
from cases.registry import case_type
from cases.selectors.people import may_be_assigned
from cases.types import User
from cases.workflow import workflow_for

from .errors import ConcurrentEditError, ServiceError
from .history import audited_save, person_name
from .references import reference_next
from .transitions import transition

# Fields a handler may edit through case_update; status, version and dates have their services.
EDITABLE_FIELDS = {"title", "description", "occurred_on", "unit", "event_category", "skyddad"}


def _refresh_deadline(case: Case) -> None:
    wf = workflow_for(case.kind)
    step = wf.deadline_steps.get(case.status, "") if case.closed_at is None else ""
    case.due_step = step
    case.due_at = due_for(case.kind, step, case.received_at) if step else None


@transaction.atomic
def case_create(
    *,
    kind: str,
    unit: Unit,
    title: str,
    actor: User | None,
    description: str = "",
    occurred_on: date | None = None,
    received_at: datetime | None = None,
    reporter: User | None = None,
    reason: str = "",
    **fields: Any,
) -> Case:
    received_at = received_at or timezone.now()
    year = timezone.localtime(received_at).year
    case = Case(
        kind=kind,
        reference=reference_next(prefix=case_type(kind).reference_prefix, year=year),
        unit=unit,
        title=title,
        description=description,
        occurred_on=occurred_on,
        received_at=received_at,
        reporter=reporter,
        status=workflow_for(kind).initial,
        **fields,
    )
    _refresh_deadline(case)
    return audited_save(case, actor=actor, reason=reason or _("Ärendet registrerades"))


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def case_transition(
    *,
    case: Case,
    to_status: str,
    actor: User | None,
    reason: str,
    outcome: str = "",
    check: Callable[[Case], None] | None = None,
) -> Case:
    """A case moves through its type's workflow; `check(locked)` may refuse first (the
    caller's action_require). Closing stamps closed_at and keeps the outcome; any other status
    clears closed_at. The deadline follows the new status."""
    wf = workflow_for(case.kind)
    fields: dict[str, Any]
    if to_status in wf.closed:
        fields = {"outcome": outcome} if outcome else {}
    else:
        fields = {"closed_at": None}
    return transition(
        case,
        to=to_status,
        actor=actor,
        reason=reason,
        table=wf.allowed,
        labels=wf.label,
        stamp=dict.fromkeys(wf.closed, "closed_at"),
        check=check,
        derive=_refresh_deadline,
        **fields,
    )


@transaction.atomic
def case_update(
    *, case: Case, expected_version: int, data: dict, actor: User, reason: str = ""
) -> Case:
    """Edit case fields with optimistic locking: a stale version raises ConcurrentEditError."""
    locked = _lock(case)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    return audited_save(locked, actor=actor, reason=reason or _("Uppgifter ändrades"))


def case_assignee_require(case: Case, assignee: User | None) -> None:
    """Every type's assign service asks this before `case_assign`: the assignee gets read and
    handle rights on the case, so only someone who may handle it is accepted (issue 15: the
    inbox handed cases to chefs of other units)."""
    if assignee is not None and not may_be_assigned(case, assignee):
        raise ServiceError(
            _("%s kan inte tilldelas ärendet (hör inte till ärendets enhet eller roll).")
            % person_name(assignee)
        )


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, actor: User | None, reason: str = "") -> Case:
    locked = _lock(case)
    previous = locked.assignee
    locked.assignee = assignee
    locked.version += 1
    if previous is not None and previous != assignee:
        # The grant came with the assignment and goes with it: a former handläggare (e.g. the
        # old chef after a chef change) must not keep reading the case (OSL 26 kap.).
        remove_perm("cases.view_case", previous, locked)
        remove_perm("cases.handle_case", previous, locked)
    if assignee is not None:
        # The assignee must be able to open the case even outside their own unit scope.
        assign_perm("cases.view_case", assignee, locked)
        assign_perm("cases.handle_case", assignee, locked)
    return audited_save(
        locked,
        actor=actor,
        reason=reason
        or (_("Tilldelad %s") % person_name(assignee) if assignee else _("Tilldelning borttagen")),
    )


@transaction.atomic
def case_set_deadline(
    *, case: Case, step: str, due_at: datetime | None, actor: User | None, reason: str
) -> Case:
    """A deadline that does not run from receipt (e.g. the IVO week from the AU decision):
    set after the transition, in the same transaction, with its own history row."""
    locked = _lock(case)
    locked.due_at = due_at
    locked.due_step = step if due_at else ""
    return audited_save(locked, actor=actor, reason=reason)


def case_spawn(
    *,
    kind: str,
    unit: Unit,
    title: str,
    description: str,
    actor: User,
    reason: str,
    reporter: User | None = None,
    occurred_on: date | None = None,
    source_case: Case | None = None,
    **extra: Any,
) -> Case:
    """A case of another type from this one (an escalated complaint, a reclassified deviation,
    a finding in a risk analysis or an egenkontroll): the target type's own create service,
    found through the registry, so its one-to-one rows and lineage exist from the start."""
    spawn = case_type(kind).spawn
    if spawn is None:
        raise ServiceError(_("Ärendet kan inte gå vidare som den ärendetypen."))
    return spawn(
        unit=unit,
        title=title,
        description=description,
        actor=actor,
        reason=reason,
        reporter=reporter,
        occurred_on=occurred_on,
        source_case=source_case,
        **extra,
    )


@transaction.atomic
def case_move_open_to_new_chef(
    *, unit: Unit, old_chef: User, new_chef: User, actor: User | None
) -> int:
    """A chef change hands every open case assigned to the old chef in the unit to the new one."""
    moved = 0
    qs = Case.objects.filter(
        unit__path__startswith=unit.path, assignee=old_chef, closed_at__isnull=True
    )
    for case in qs.select_for_update():
        case_assign(case=case, assignee=new_chef, actor=actor, reason=_("Chefsbyte"))
        moved += 1
    return moved
