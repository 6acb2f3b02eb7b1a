"""Writes for supervisory cases (tillsyn). Every write is atomic, locks the supervision row and
leaves a history row with user and reason; status changes only through the transition services
below, checked against `ALLOWED_TRANSITIONS`."""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from cases.models import Code, CodeList, Unit
from cases.selectors.visibility import units_in_scope
from cases.services.errors import ConcurrentEditError, ServiceError
from cases.services.history import audited_save
from cases.services.transitions import transition
from cases.supervision.actions import supervision_action_require
from cases.supervision.models import (
    ALLOWED_TRANSITIONS,
    MEASURE_TRANSITIONS,
    Supervision,
    SupervisionDecision,
    SupervisionMeasure,
)
from cases.supervision.selectors import WRITE_ROLES
from cases.types import User

# Fields supervision_update may change; status, version and the response/closing dates that
# belong to a transition have their own services.
EDITABLE_FIELDS = {
    "authority",
    "supervision_type",
    "authority_reference",
    "initiated_on",
    "title",
    "summary",
    "response_due_on",
    "preparation_on",
    "committee_on",
    "board_on",
}


def _audit_context(obj: models.Model, actor: User, reason: str) -> None:
    # M2M history (simple-history m2m_fields) reads these from the instance.
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _check_units(actor: User, units: Iterable[Unit]) -> list[Unit]:
    chosen = list(units)
    if not chosen:
        raise ServiceError(_("Välj minst en berörd enhet."))
    allowed = set(
        units_in_scope(actor, WRITE_ROLES)
        .filter(pk__in=[u.pk for u in chosen])
        .values_list("pk", flat=True)
    )
    if any(u.pk not in allowed for u in chosen):
        raise ServiceError(_("Du kan bara registrera tillsyn för enheter du ansvarar för."))
    return chosen


def _check_type(code: Code) -> None:
    if code.codelist != CodeList.SUPERVISION_TYPE:
        raise ServiceError(_("Välj en typ av tillsyn från kodlistan."))


def _lock(supervision: Supervision, action: str, actor: User | None) -> Supervision:
    """Lock the row and check the action's rule on the status read under the lock."""
    locked = Supervision.objects.select_for_update().get(pk=supervision.pk)
    supervision_action_require(locked, action, actor)
    return locked


def _require_open(supervision: Supervision) -> None:
    if supervision.is_closed:
        raise ServiceError(_("Tillsynsärendet är avslutat och kan inte ändras."))


@transaction.atomic
def supervision_create(
    *,
    actor: User,
    authority: str,
    supervision_type: Code,
    title: str,
    units: Iterable[Unit],
    initiated_on: date,
    authority_reference: str = "",
    summary: str = "",
    response_due_on: date | None = None,
    reason: str = "",
) -> Supervision:
    chosen = _check_units(actor, units)
    supervision_action_require(None, "register", actor, units=chosen)
    _check_type(supervision_type)
    supervision = Supervision(
        authority=authority,
        supervision_type=supervision_type,
        title=title.strip(),
        initiated_on=initiated_on,
        authority_reference=authority_reference.strip(),
        summary=summary,
        response_due_on=response_due_on,
        created_by=actor,
    )
    reason = reason or _("Tillsynsärende registrerat")
    audited_save(supervision, actor=actor, reason=reason)
    _audit_context(supervision, actor, reason)
    supervision.units.set(chosen)
    return supervision


@transaction.atomic
def supervision_update(
    *,
    supervision: Supervision,
    expected_version: int,
    data: dict,
    actor: User,
    units: Iterable[Unit] | None = None,
    reason: str = "",
) -> Supervision:
    """Edit with optimistic locking: a stale version raises ConcurrentEditError, nothing saved."""
    locked = _lock(supervision, "edit", actor)
    if locked.version != expected_version:
        raise ConcurrentEditError(current=locked)
    _require_open(locked)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    if "supervision_type" in data:
        _check_type(data["supervision_type"])
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    reason = reason or _("Uppgifter ändrades")
    audited_save(locked, actor=actor, reason=reason)
    if units is not None:
        _set_units(locked, actor, units, reason)
    return locked


def _set_units(supervision: Supervision, actor: User, units: Iterable[Unit], reason: str) -> None:
    # The form only offers units in the actor's scope, so units outside it (another
    # avdelning's, concerned by the same supervision) are kept rather than silently dropped.
    current = set(supervision.units.values_list("pk", flat=True))
    own = set(
        units_in_scope(actor, WRITE_ROLES).filter(pk__in=current).values_list("pk", flat=True)
    )
    chosen = {u.pk for u in _check_units(actor, units)}
    wanted = chosen | (current - own)
    if wanted != current:
        _audit_context(supervision, actor, reason)
        supervision.units.set(wanted)


@transaction.atomic
def supervision_decision_add(
    *,
    supervision: Supervision,
    actor: User,
    decided_on: date,
    deficiencies_found: bool,
    deficiency_categories: Iterable[Code] = (),
    text: str = "",
    response_due_on: date | None = None,
) -> SupervisionDecision:
    """Register a beslut. If the authority asks for a response, its due date is set too."""
    locked = _lock(supervision, "decision_add", actor)
    _require_open(locked)
    categories = list(deficiency_categories)
    if categories and not deficiencies_found:
        raise ServiceError(_("Bristområden kan bara anges när brister har konstaterats."))
    if any(c.codelist != CodeList.SUPERVISION_DEFICIENCY for c in categories):
        raise ServiceError(_("Välj bristområden från kodlistan."))
    if decided_on < locked.initiated_on:
        raise ServiceError(_("Beslutsdatum kan inte vara före tillsynens start."))
    reason = _("Beslut från %(authority)s registrerat") % {"authority": locked.authority_short}
    decision = SupervisionDecision(
        supervision=locked,
        decided_on=decided_on,
        deficiencies_found=deficiencies_found,
        text=text,
        created_by=actor,
    )
    audited_save(decision, actor=actor, reason=reason)
    if categories:
        _audit_context(decision, actor, reason)
        decision.deficiency_categories.set(categories)
    if response_due_on is not None:
        locked.response_due_on = response_due_on
        locked.version += 1
        audited_save(locked, actor=actor, reason=_("Yttrande begärt i beslut"))
    return decision


@transaction.atomic
def supervision_measure_add(
    *,
    supervision: Supervision,
    actor: User,
    description: str,
    status: str = SupervisionMeasure.Status.PLANNED,
    expected_effect: str = "",
    responsible: str = "",
    due_date: date | None = None,
    completed_on: date | None = None,
) -> SupervisionMeasure:
    locked = _lock(supervision, "measure_add", actor)
    _require_open(locked)
    if not description.strip():
        raise ServiceError(_("Beskriv åtgärden."))
    if status not in SupervisionMeasure.Status.values:
        raise ServiceError(_("Okänd status för åtgärden."))
    measure = SupervisionMeasure(
        supervision=locked,
        description=description.strip(),
        status=status,
        expected_effect=expected_effect,
        responsible=responsible,
        due_date=due_date,
        completed_on=completed_on if status == SupervisionMeasure.Status.DONE else None,
        created_by=actor,
    )
    return audited_save(measure, actor=actor, reason=_("Åtgärd i tillsynsärende registrerad"))


@transaction.atomic
def supervision_measure_complete(
    *, measure: SupervisionMeasure, actor: User, completed_on: date, reason: str = ""
) -> SupervisionMeasure:
    # The supervision first, as every other service locks it: no lock-order deadlock.
    _lock(measure.supervision, "measure_complete", actor)
    return transition(
        measure,
        to=SupervisionMeasure.Status.DONE,
        actor=actor,
        reason=reason or _("Åtgärden genomförd"),
        table=MEASURE_TRANSITIONS,
        completed_on=completed_on,
    )


# --- transitions ----------------------------------------------------------------------------


def _transition(
    supervision: Supervision,
    to_status: str,
    action: str,
    actor: User | None,
    reason: str,
    check: Callable[[Supervision], None] | None = None,
    **kwargs: Any,
) -> Supervision:
    """The action's rule (checked on the row read under the lock), then the transition."""
    # Who may act is refused first (403), before the table says anything about the status.
    supervision_action_require(supervision, action, actor)

    def gate(locked: Supervision) -> None:
        supervision_action_require(locked, action, actor)
        if check is not None:
            check(locked)

    return transition(
        supervision,
        to=to_status,
        actor=actor,
        reason=reason,
        table=ALLOWED_TRANSITIONS,
        check=gate,
        **kwargs,
    )


@transaction.atomic
def supervision_register_response_sent(
    *,
    supervision: Supervision,
    actor: User,
    sent_on: date,
    board_on: date | None = None,
    reason: str = "",
) -> Supervision:
    """The yttrande has been sent: pågående → yttrande inskickat."""

    def ready(locked: Supervision) -> None:
        if not locked.decisions.exists():
            raise ServiceError(_("Registrera myndighetens beslut innan yttrandet registreras."))
        if sent_on < locked.initiated_on:
            raise ServiceError(_("Yttrandet kan inte ha skickats före tillsynens start."))

    board = {"board_on": board_on} if board_on is not None else {}
    return _transition(
        supervision,
        Supervision.Status.RESPONSE_SENT,
        "response_sent",
        actor,
        reason or _("Yttrande skickat"),
        check=ready,
        response_sent_on=sent_on,
        **board,
    )


@transaction.atomic
def supervision_request_supplement(
    *, supervision: Supervision, actor: User, reason: str = ""
) -> Supervision:
    """The authority asks for more (komplettering): yttrande inskickat → pågående."""
    return _transition(
        supervision,
        Supervision.Status.ONGOING,
        "supplement",
        actor,
        reason or _("Myndigheten begärde komplettering"),
    )


@transaction.atomic
def supervision_close(
    *,
    supervision: Supervision,
    actor: User,
    closed_on: date,
    closing_note: str = "",
    reason: str = "",
) -> Supervision:
    """The authority has closed its case: → avslutad. Nothing changes afterwards."""

    def ready(locked: Supervision) -> None:
        last = locked.decisions.aggregate(m=models.Max("decided_on"))["m"]
        if last is None:
            raise ServiceError(_("Registrera myndighetens beslut innan ärendet avslutas."))
        if closed_on < last:
            raise ServiceError(_("Avslutsdatum kan inte vara före det senaste beslutet."))

    return _transition(
        supervision,
        Supervision.Status.CLOSED,
        "close",
        actor,
        reason or _("Avslutat av myndigheten"),
        check=ready,
        closed_on=closed_on,
        closing_note=closing_note.strip(),
    )
