"""Kvalitetsavvikelse (DESIGN §3.2): reporting, handling, closing and reclassification.

One service per transition; each calls `case_transition`, which checks ALLOWED_TRANSITIONS and
writes the Case history row. The Deviation row is saved with `audited_save`, so both rows carry
the user and the reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.actions import case_action_require
from cases.models import Case, CaseKind, Code, CodeList, LinkKind, Measure, MeasureLevel, Unit
from cases.services.cases import (
    case_assign,
    case_assignee_require,
    case_create,
    case_spawn,
    case_transition,
    case_update,
)
from cases.services.errors import ServiceError, TransitionNotAllowed
from cases.services.history import audited_save, reason_clean
from cases.services.parts import case_link, close_over_unfinished_measures, measure_create
from cases.titles import cut_at_word
from cases.types import User

from .models import Deviation, ReclassifiedTo
from .workflow import CLOSING_OUTCOMES, WORKFLOW, DeviationOutcome, DeviationStatus

DESCRIPTION_MAX = 20_000
SHORT_TEXT_MAX = 5_000
TITLE_MAX = 200
# Derived titles stay short enough to read in the inbox.
DERIVED_TITLE_LEN = 80


def _reason(text: str) -> str:
    return reason_clean(text)


def _clean(text: str, maximum: int) -> str:
    text = (text or "").replace("\x00", "").strip()
    if len(text) > maximum:
        raise ServiceError(
            _("Texten är för lång. Skriv högst %(max)s tecken (du skrev %(n)s).")
            % {"max": f"{maximum:,}".replace(",", " "), "n": f"{len(text):,}".replace(",", " ")}
        )
    return text


def _derive_title(description: str) -> str:
    return cut_at_word(description, DERIVED_TITLE_LEN)


# --- Reporting -------------------------------------------------------------------------------


@transaction.atomic
def deviation_create(
    *,
    unit: Unit,
    title: str,
    description: str,
    actor: User,
    reporter: User | None = None,
    occurred_on: date | None = None,
    source_case: Case | None = None,
    reason: str = "",
    immediate_consequence: str = "",
    concerns_child: bool = False,
    at_absence_or_handover: bool = False,
) -> Case:
    """Register a deviation (status rapporterad). Also used by complaints, risk analyses and
    self-inspections; with `source_case` the lineage is linked on both cases."""
    description = _clean(description, DESCRIPTION_MAX)
    title = _clean(title, TITLE_MAX) or _derive_title(description)
    if not title:
        raise ServiceError(_("Beskriv vad som hände."))
    if occurred_on and occurred_on > timezone.localdate():
        raise ServiceError(_("Händelsedatumet kan inte vara i framtiden."))
    why = _reason(reason) or _("Avvikelse rapporterad")
    case = case_create(
        kind=CaseKind.DEVIATION,
        unit=unit,
        title=title,
        description=description,
        occurred_on=occurred_on,
        reporter=reporter,
        actor=actor,
        reason=why,
    )
    deviation = Deviation(
        case=case,
        immediate_consequence=_clean(immediate_consequence, SHORT_TEXT_MAX),
        concerns_child=bool(concerns_child),
        at_absence_or_handover=bool(at_absence_or_handover),
    )
    audited_save(deviation, actor=actor, reason=why)
    if source_case is not None:
        case_link(source=source_case, target=case, kind=LinkKind.ESCALATED, actor=actor, reason=why)
    return case


# --- Handling --------------------------------------------------------------------------------


def _allowed(case: Case, action: str, actor: User | None) -> None:
    """Every handling service starts here: a deviation, and the action offered to `actor` in
    the case's status by the table in deviations/actions.py (the page asks the same table).
    Refused: ActionRefused (a 403 in views), or TransitionNotAllowed saying why."""
    if case.kind != CaseKind.DEVIATION:
        raise ServiceError(_("Ärendet är inte en kvalitetsavvikelse."))
    case_action_require(case, action, actor)


def _deviation(case: Case) -> Deviation:
    """Lock the deviation row, so the services of one case run one at a time. Cases created
    through the core alone (old imports, tests) get their row here."""
    if case.kind != CaseKind.DEVIATION:
        raise ServiceError(_("Ärendet är inte en kvalitetsavvikelse."))
    locked = Deviation.objects.select_for_update(of=("self",)).select_related("case")
    deviation = locked.filter(pk=case.pk).first()
    if deviation is None:
        audited_save(Deviation(case_id=case.pk), actor=None, reason=_("Avvikelsedel skapad"))
        deviation = locked.get(pk=case.pk)
    return deviation


def _require_open(deviation: Deviation) -> None:
    if not deviation.case.is_open:
        raise ServiceError(_("Ärendet är avslutat."))


def _require_status(deviation: Deviation, from_status: str, to_status: str) -> None:
    current = deviation.case.status
    if current != from_status:
        raise TransitionNotAllowed(WORKFLOW.label(current), WORKFLOW.label(to_status))


@transaction.atomic
def deviation_receive(*, case: Case, actor: User, reason: str = "") -> Case:
    """Rapporterad → mottagen: the chef has seen the report."""
    _allowed(case, "receive", actor)
    deviation = _deviation(case)
    _require_status(deviation, DeviationStatus.REPORTED, DeviationStatus.RECEIVED)
    return case_transition(
        case=case,
        to_status=DeviationStatus.RECEIVED,
        actor=actor,
        reason=_reason(reason) or _("Avvikelsen mottagen"),
    )


@transaction.atomic
def deviation_assign(*, case: Case, assignee: User | None, actor: User, reason: str = "") -> Case:
    _allowed(case, "assign", actor)
    _require_open(_deviation(case))
    case_assignee_require(case, assignee)
    return case_assign(case=case, assignee=assignee, actor=actor, reason=_reason(reason))


@transaction.atomic
def deviation_start_investigation(*, case: Case, actor: User, reason: str = "") -> Case:
    _allowed(case, "investigate", actor)
    deviation = _deviation(case)
    _require_status(deviation, DeviationStatus.RECEIVED, DeviationStatus.INVESTIGATING)
    return case_transition(
        case=case,
        to_status=DeviationStatus.INVESTIGATING,
        actor=actor,
        reason=_reason(reason) or _("Utredning påbörjad"),
    )


def _codes(codes: Iterable[Code] | None, codelist: str, what: str) -> list[Code]:
    codes = list(codes or [])
    if any(c.codelist != codelist for c in codes):
        raise ServiceError(_("Fel kodlista för %s.") % what)
    return codes


def _code(value: Code | None, codelist: str, what: str) -> Code | None:
    return _codes([value], codelist, what)[0] if value is not None else None


@transaction.atomic
def deviation_classify(
    *,
    case: Case,
    expected_version: int,
    actor: User,
    event_category: Code | None = None,
    deficiencies: Iterable[Code] = (),
    root_causes: Iterable[Code] = (),
    consequence: Code | None = None,
    reason: str = "",
) -> Deviation:
    """Record the analysis dimensions. Optimistic lock on the case version: a classification
    saved by someone else since the form was opened raises ConcurrentEditError."""
    _allowed(case, "classify", actor)
    deviation = _deviation(case)
    _require_open(deviation)
    event_category = _code(event_category, CodeList.EVENT_CATEGORY, _("händelsekategori"))
    deficiencies = _codes(deficiencies, CodeList.DEFICIENCY, _("bristområde"))
    root_causes = _codes(root_causes, CodeList.ROOT_CAUSE, _("orsak"))
    consequence = _code(consequence, CodeList.CONSEQUENCE, _("konsekvens"))
    why = _reason(reason) or _("Avvikelsen klassificerades")
    # Checks the version (ConcurrentEditError) and records the event category on the case.
    case_update(
        case=case,
        expected_version=expected_version,
        data={"event_category": event_category},
        actor=actor,
        reason=why,
    )
    # Set the M2M without simple-history's per-change rows, so the save below writes ONE
    # history row holding the new deficiencies, root causes and consequence together.
    deviation.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        deviation.deficiencies.set(deficiencies)
        deviation.root_causes.set(root_causes)
    finally:
        del deviation.skip_history_when_saving  # type: ignore[attr-defined]
    deviation.consequence = consequence
    return audited_save(deviation, actor=actor, reason=why)


@transaction.atomic
def deviation_measure_add(
    *,
    case: Case,
    description: str,
    actor: User,
    measure_type: Code | None = None,
    level: str = MeasureLevel.UNIT,
    responsible: User | None = None,
    due_date: date | None = None,
    reason: str = "",
) -> Measure:
    _allowed(case, "measure", actor)
    _require_open(_deviation(case))
    description = _clean(description, SHORT_TEXT_MAX)
    if not description:
        raise ServiceError(_("Beskriv åtgärden."))
    if level not in MeasureLevel.values:
        raise ServiceError(_("Välj nivå."))
    _code(measure_type, CodeList.MEASURE_TYPE, _("åtgärdstyp"))
    return measure_create(
        case=case,
        description=description,
        actor=actor,
        measure_type=measure_type,
        level=level,
        responsible=responsible,
        due_date=due_date,
        reason=_reason(reason) or _("Åtgärd efter avvikelse"),
    )


@transaction.atomic
def deviation_close(
    *,
    case: Case,
    outcome: str,
    summary: str,
    actor: User,
    reason: str = "",
    confirm_open_measures: bool = False,
) -> Case:
    """Close with an outcome; "med åtgärd" needs at least one measure on the case, and measures
    still planned or ongoing need the user's deliberate confirmation (kept in the history)."""
    _allowed(case, "close", actor)
    deviation = _deviation(case)
    if outcome not in CLOSING_OUTCOMES:
        raise ServiceError(_("Välj hur avvikelsen avslutas."))
    summary = _clean(summary, SHORT_TEXT_MAX)
    if not summary:
        raise ServiceError(_("Skriv en sammanfattning av utredningen."))
    if outcome == DeviationOutcome.WITH_MEASURES and not case.measures.exists():
        raise ServiceError(_("Lägg till minst en åtgärd innan du avslutar med åtgärd."))
    confirmed = close_over_unfinished_measures(case, confirmed=confirm_open_measures)
    why = _reason(reason) or f"{DeviationOutcome(outcome).label}: {summary}"
    # The confirmation first, so the length limit never cuts it off.
    why = _reason(f"{confirmed}. {why}" if confirmed else why)
    closed = case_transition(
        case=case, to_status=DeviationStatus.CLOSED, actor=actor, reason=why, outcome=outcome
    )
    deviation.closing_summary = summary
    audited_save(deviation, actor=actor, reason=why)
    return closed


# --- Reclassification ------------------------------------------------------------------------


@dataclass
class Reclassification:
    case: Case  # the deviation, now closed as omklassificerad
    target: Case | None  # the new lex Sarah case; None when the matter leaves Avvika


def _to_lex_sarah(deviation: Deviation, *, actor: User, reason: str) -> Case:
    case = deviation.case
    # Through the registry (case_spawn): the case types never import each other.
    target = case_spawn(
        kind=CaseKind.LEXSARAH,
        unit=case.unit,
        title=case.title,
        description=_("Omklassificerad från kvalitetsavvikelse %(ref)s.\n\n%(text)s")
        % {"ref": case.reference, "text": case.description},
        actor=actor,
        reporter=case.reporter,
        occurred_on=case.occurred_on,
        source_case=case,
        concerns_child=deviation.concerns_child,
        reason=_reason(
            _("Omklassificerad från %(ref)s: %(why)s") % {"ref": case.reference, "why": reason}
        ),
    )
    case_link(
        source=case,
        target=target,
        kind=LinkKind.RECLASSIFIED,
        actor=actor,
        reason=reason_clean(reason),
    )
    return target


@transaction.atomic
def deviation_reclassify(*, case: Case, target: str, reason: str, actor: User) -> Reclassification:
    """The event is a lex Sarah matter (a new linked case), or a vårdskada / arbetsmiljö
    matter handled elsewhere. Either way the deviation closes as omklassificerad."""
    _allowed(case, "reclassify", actor)
    deviation = _deviation(case)
    _require_open(deviation)
    if target not in ReclassifiedTo.values:
        raise ServiceError(_("Välj vad avvikelsen ska omklassificeras till."))
    reason = _clean(reason, SHORT_TEXT_MAX)
    if not reason:
        raise ServiceError(_("Skriv varför avvikelsen omklassificeras."))
    new_case = (
        _to_lex_sarah(deviation, actor=actor, reason=reason)
        if (target == ReclassifiedTo.LEX_SARAH)
        else None
    )
    label = ReclassifiedTo(target).label
    why = _reason(
        _("Omklassificerad till %(target)s (%(ref)s): %(why)s")
        % {"target": label, "ref": new_case.reference, "why": reason}
        if new_case
        else _("Omklassificerad till %(target)s, hanteras utanför Avvika: %(why)s")
        % {"target": label, "why": reason}
    )
    deviation.reclassified_to = target
    deviation.reclassification_reason = reason
    audited_save(deviation, actor=actor, reason=why)
    closed = case_transition(
        case=case,
        to_status=DeviationStatus.CLOSED,
        actor=actor,
        reason=why,
        outcome=DeviationOutcome.RECLASSIFIED,
    )
    return Reclassification(case=closed, target=new_case)


# --- Retention (gallring) --------------------------------------------------------------------

SCRUBBED_TEXT = {"immediate_consequence": "", "closing_summary": "", "reclassification_reason": ""}


def deviation_scrub(case: Case) -> None:
    """Called by cases.retention.case_scrub: remove the free text, keep flags and categories
    so old statistics still add up."""
    deviation = Deviation.objects.filter(pk=case.pk).first()
    if deviation is None:
        return
    for name, value in SCRUBBED_TEXT.items():
        setattr(deviation, name, value)
    audited_save(deviation, actor=None, reason=_("Gallring"))
    # Personal data must leave the history too (as the core does for the case row).
    Deviation.history.filter(case_id=case.pk).update(**SCRUBBED_TEXT)
