"""Writes for risk analyses. Every write is atomic and leaves a history row with user and reason."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from cases.models import Case, CaseKind, Code, CodeList, Measure, Unit
from cases.selectors import units_in_scope
from cases.services import ConcurrentEditError, ServiceError, audited_save
from cases.services.cases import case_spawn
from cases.services.parts import measure_create
from cases.services.transitions import transition
from cases.types import User

from .models import ALLOWED_TRANSITIONS, Risk, RiskAnalysis, RiskScale, RiskTemplate
from .selectors import WRITE_ROLES

# Fields analysis_update may change; status and timestamps have their own services.
EDITABLE_FIELDS = {
    "title",
    "trigger",
    "participants",
    "analysed_on",
    "sections",
    "follow_up_on",
    "documented",
    "include_in_report",
    "report_summary",
}


# --- scales -----------------------------------------------------------------------------------


def scale_current(key: str = "standard") -> RiskScale:
    scale = RiskScale.objects.filter(key=key).order_by("-version").first()
    if scale is None:
        raise ServiceError(_("Det finns ingen riskskala."))
    return scale


def _validate_scale(probability_labels: list, consequence_labels: list, levels: list) -> None:
    if not probability_labels or not consequence_labels:
        raise ServiceError(_("Skalan måste ha minst ett steg för sannolikhet och konsekvens."))
    maxima = [level["max"] for level in levels]
    if not levels or maxima != sorted(maxima) or len(set(maxima)) != len(maxima):
        raise ServiceError(_("Risknivåernas gränser måste vara stigande."))
    if maxima[-1] < len(probability_labels) * len(consequence_labels):
        raise ServiceError(_("Den högsta risknivån måste täcka skalans största värde."))


@transaction.atomic
def scale_new_version(
    *,
    actor: User,
    probability_labels: list,
    consequence_labels: list,
    levels: list,
    key: str = "standard",
    name: str = "",
) -> RiskScale:
    """A scale is never edited: a change is a new version; analyses keep their own version."""
    _validate_scale(probability_labels, consequence_labels, levels)
    latest = RiskScale.objects.select_for_update().filter(key=key).order_by("-version").first()
    scale = RiskScale(
        key=key,
        version=(latest.version + 1) if latest else 1,
        name=name or (latest.name if latest else key),
        probability_labels=probability_labels,
        consequence_labels=consequence_labels,
        levels=levels,
    )
    return audited_save(scale, actor=actor, reason=_("Ny version av riskskalan"))


# --- analyses ---------------------------------------------------------------------------------


def _check_units(actor: User, units: Iterable[Unit]) -> list[Unit]:
    units = list(units)
    if not units:
        raise ServiceError(_("Välj minst en enhet som analysen omfattar."))
    allowed = set(
        units_in_scope(actor, WRITE_ROLES)
        .filter(pk__in=[u.pk for u in units])
        .values_list("pk", flat=True)
    )
    if any(u.pk not in allowed for u in units):
        raise ServiceError(_("Du kan bara göra riskanalyser för enheter du ansvarar för."))
    return units


def _audit_context(obj: models.Model, actor: User, reason: str) -> None:
    # M2M history (simple-history m2m_fields) reads these from the instance.
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


@transaction.atomic
def analysis_create(
    *,
    actor: User,
    title: str,
    units: Iterable[Unit],
    analysed_on: date,
    trigger: Code | None = None,
    participants: str = "",
    template: RiskTemplate | None = None,
    copy_from: RiskAnalysis | None = None,
    source_cases: Iterable[Case] = (),
    follow_up_on: date | None = None,
) -> RiskAnalysis:
    """A new analysis on the current scale, pre-filled from a template or an earlier analysis."""
    units = _check_units(actor, units)
    scale = scale_current()
    sections: list[dict] = []
    risks: list[tuple[str, int | None, int | None]] = []
    if copy_from is not None:
        sections = [dict(s) for s in copy_from.sections]
        same_scale = copy_from.scale_id == scale.pk
        for risk in copy_from.risks.all():
            # Scores only carry over on the same scale; otherwise the numbers mean something else.
            risks.append(
                (
                    risk.description,
                    risk.probability if same_scale else None,
                    risk.consequence if same_scale else None,
                )
            )
        template = template or copy_from.template
    elif template is not None:
        sections = [
            {"title": s.get("title", ""), "help": s.get("help", ""), "text": ""}
            for s in template.sections
        ]
        risks = [(text, None, None) for text in template.suggested_risks]
    analysis = RiskAnalysis(
        title=title,
        trigger=trigger,
        participants=participants,
        analysed_on=analysed_on,
        scale=scale,
        template=template,
        copied_from=copy_from,
        sections=sections,
        follow_up_on=follow_up_on,
        created_by=actor,
    )
    reason = _("Riskanalys skapad")
    audited_save(analysis, actor=actor, reason=reason)
    _audit_context(analysis, actor, reason)
    analysis.units.set(units)
    source_cases = list(source_cases)
    if source_cases:
        analysis.source_cases.set(source_cases)
    for number, (description, probability, consequence) in enumerate(risks, start=1):
        audited_save(
            Risk(
                analysis=analysis,
                number=number,
                description=description,
                probability=probability,
                consequence=consequence,
            ),
            actor=actor,
            reason=reason,
        )
    return analysis


@transaction.atomic
def analysis_create_from_cases(
    *,
    actor: User,
    cases: Iterable[Case],
    title: str,
    units: Iterable[Unit],
    analysed_on: date,
    participants: str = "",
) -> RiskAnalysis:
    """A pattern of deviations starts an analysis; the cases stay linked as its lineage."""
    cases = list(cases)
    if not cases:
        raise ServiceError(_("Välj minst ett ärende."))
    trigger = Code.objects.filter(codelist=CodeList.RISK_TRIGGER, code="avvikelsemonster").first()
    template = RiskTemplate.objects.filter(
        name__icontains="mönster i avvikelser", active=True
    ).first()
    analysis = analysis_create(
        actor=actor,
        title=title,
        units=units,
        analysed_on=analysed_on,
        trigger=trigger,
        participants=participants,
        template=template,
        source_cases=cases,
    )
    return analysis


def _lock(analysis: RiskAnalysis) -> RiskAnalysis:
    return RiskAnalysis.objects.select_for_update().get(pk=analysis.pk)


@transaction.atomic
def analysis_update(
    *,
    analysis: RiskAnalysis,
    data: dict,
    actor: User,
    units: Iterable[Unit] | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> RiskAnalysis:
    """expected_version: the version the editor's form was loaded with (None: no check)."""
    locked = _lock(analysis)
    if locked.status == RiskAnalysis.Status.FOLLOWED_UP:
        raise ServiceError(_("En uppföljd riskanalys kan inte ändras."))
    _check_version(locked, expected_version)
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        raise ServiceError(_("Fälten kan inte ändras här: %s") % ", ".join(sorted(unknown)))
    for name, value in data.items():
        setattr(locked, name, value)
    locked.version += 1
    reason = reason or _("Uppgifter ändrades")
    audited_save(locked, actor=actor, reason=reason)
    if units is not None:
        units = _check_units(actor, units)
        _audit_context(locked, actor, reason)
        locked.units.set(units)
    return locked


def _check_version(locked: RiskAnalysis | Risk, expected_version: int | None) -> None:
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(current=locked)


# Each move records when; reopening clears the completion (the analysis is a draft again).
STAMPS = {
    RiskAnalysis.Status.DONE: "completed_at",
    RiskAnalysis.Status.FOLLOWED_UP: "followed_up_at",
}


def _transition(
    analysis: RiskAnalysis, to_status: str, actor: User | None, reason: str, **kwargs: Any
) -> RiskAnalysis:
    return transition(
        analysis,
        to=to_status,
        actor=actor,
        reason=reason,
        table=ALLOWED_TRANSITIONS,
        stamp=STAMPS,
        **kwargs,
    )


def _ready_to_complete(locked: RiskAnalysis) -> None:
    risks = list(locked.risks.all())
    if not risks:
        raise ServiceError(_("Lägg till minst en risk innan analysen markeras som genomförd."))
    if any(not r.is_scored for r in risks):
        raise ServiceError(_("Alla risker måste bedömas (sannolikhet och konsekvens) först."))


def analysis_complete(
    *, analysis: RiskAnalysis, actor: User | None, reason: str = ""
) -> RiskAnalysis:
    return _transition(
        analysis,
        RiskAnalysis.Status.DONE,
        actor,
        reason or _("Riskanalysen genomförd"),
        check=_ready_to_complete,
    )


def analysis_follow_up(
    *, analysis: RiskAnalysis, actor: User | None, result: str, reason: str = ""
) -> RiskAnalysis:
    def has_result(_locked: RiskAnalysis) -> None:
        if not result.strip():
            raise ServiceError(_("Skriv resultatet av uppföljningen."))

    return _transition(
        analysis,
        RiskAnalysis.Status.FOLLOWED_UP,
        actor,
        reason or _("Riskanalysen följdes upp"),
        check=has_result,
        follow_up_result=result.strip(),
    )


def analysis_reopen(
    *, analysis: RiskAnalysis, actor: User | None, reason: str = ""
) -> RiskAnalysis:
    return _transition(
        analysis,
        RiskAnalysis.Status.DRAFT,
        actor,
        reason or _("Riskanalysen öppnades igen"),
        completed_at=None,
    )


# --- risks ------------------------------------------------------------------------------------


def _check_scores(scale: RiskScale, probability: int | None, consequence: int | None) -> None:
    if probability is not None and not 1 <= probability <= scale.probability_max:
        raise ServiceError(_("Sannolikheten ligger utanför skalan."))
    if consequence is not None and not 1 <= consequence <= scale.consequence_max:
        raise ServiceError(_("Konsekvensen ligger utanför skalan."))


def _require_draft(analysis: RiskAnalysis) -> None:
    if analysis.status != RiskAnalysis.Status.DRAFT:
        raise ServiceError(_("Risker kan bara ändras medan analysen är ett utkast."))


@transaction.atomic
def risk_add(
    *,
    analysis: RiskAnalysis,
    description: str,
    actor: User,
    probability: int | None = None,
    consequence: int | None = None,
) -> Risk:
    locked = _lock(analysis)
    _require_draft(locked)
    _check_scores(locked.scale, probability, consequence)
    if not description.strip():
        raise ServiceError(_("Beskriv risken."))
    number = (locked.risks.aggregate(m=models.Max("number"))["m"] or 0) + 1
    risk = Risk(
        analysis=locked,
        number=number,
        description=description.strip(),
        probability=probability,
        consequence=consequence,
    )
    return audited_save(risk, actor=actor, reason=_("Risk tillagd"))


@transaction.atomic
def risk_update(
    *,
    risk: Risk,
    description: str,
    probability: int | None,
    consequence: int | None,
    actor: User,
    expected_version: int | None = None,
) -> Risk:
    analysis = _lock(risk.analysis)
    _require_draft(analysis)
    _check_scores(analysis.scale, probability, consequence)
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    _check_version(locked, expected_version)
    locked.version += 1
    locked.description = description.strip() or locked.description
    locked.probability = probability
    locked.consequence = consequence
    return audited_save(locked, actor=actor, reason=_("Riskbedömning ändrad"))


@transaction.atomic
def risk_measure_add(*, risk: Risk, actor: User, description: str, **fields: Any) -> Measure:
    """A measure per risk: the shared core Measure (no case), attached to the risk."""
    if risk.analysis.status == RiskAnalysis.Status.FOLLOWED_UP:
        raise ServiceError(_("En uppföljd riskanalys kan inte ändras."))
    measure = measure_create(
        case=None,
        actor=actor,
        description=description,
        reason=_("Åtgärd för risk i riskanalys"),
        **fields,
    )
    _audit_context(risk, actor, _("Åtgärd kopplad till risken"))
    risk.measures.add(measure)
    return measure


def deviation_for_finding(
    *, unit: Unit, title: str, description: str, actor: User, reason: str
) -> Case:
    """A kvalitetsavvikelse through the deviation type's own create service (registry)."""
    return case_spawn(
        kind=CaseKind.DEVIATION,
        unit=unit,
        title=title,
        description=description,
        actor=actor,
        reporter=actor,
        reason=reason,
    )


@transaction.atomic
def risk_deviation_create(
    *, risk: Risk, unit: Unit, title: str, description: str, actor: User
) -> Case:
    analysis = risk.analysis
    if not analysis.units.filter(pk=unit.pk).exists():
        raise ServiceError(_("Avvikelsen ska registreras på en enhet som analysen omfattar."))
    reason = _("Avvikelse från riskanalys: %s") % analysis.title
    case = deviation_for_finding(
        unit=unit, title=title, description=description, actor=actor, reason=reason[:200]
    )
    _audit_context(risk, actor, reason)
    risk.linked_cases.add(case)
    return case
