"""Helpers shared by the lex Sarah services: row locks, text checks, reasons."""

from django.utils.translation import gettext as _

from cases.actions import case_action_require
from cases.models import Case, CaseKind
from cases.services import ServiceError
from cases.services.errors import TransitionNotAllowed
from cases.services.history import reason_clean
from cases.types import User

from ..models import LexSarahReport
from ..workflow import WORKFLOW, LexSarahStatus

TEXT_MAX = 20_000


def reason_text(text: str) -> str:
    # simple-history keeps the reason in a 100-character column.
    return reason_clean(text)


def clean_text(text: str, *, maximum: int = TEXT_MAX, empty_message: str = "") -> str:
    text = (text or "").replace("\x00", "").strip()
    if not text and empty_message:
        raise ServiceError(empty_message)
    if len(text) > maximum:
        raise ServiceError(
            _("Texten är för lång. Skriv högst %(max)s tecken (du skrev %(n)s).")
            % {"max": maximum, "n": len(text)}
        )
    return text


def lock_report(case: Case) -> LexSarahReport:
    """Lock the report row. Every lex Sarah service on a case starts here, so they run one at
    a time per case and the status read under the lock is current."""
    if case.kind != CaseKind.LEXSARAH:
        raise ServiceError(_("Ärendet är inte en lex Sarah-rapport."))
    return (
        LexSarahReport.objects.select_for_update(of=("self",))
        .select_related("case")
        .get(pk=case.pk)
    )


def require_action(report: LexSarahReport, name: str, actor: User | None) -> None:
    """The case page's rule for `name` (lexsarah/actions.py), on the status read under the
    lock. Not allowed → ActionRefused (403). Not from this status → the reason in the user's
    words when we know it (`refusal_reason`), else the core's status message."""
    try:
        case_action_require(report.case, name, actor)
    except ServiceError as exc:
        why = refusal_reason(report, name)
        if why:
            raise ServiceError(why) from exc
        raise


def refusal_reason(report: LexSarahReport, name: str) -> str:
    """Why the step `name` cannot be taken on this report now, beyond its status ("" when the
    status says it all). The services and the case page's POST views give the same reason."""
    from ..models import IvoNotification
    from ..rules import close_blockers

    if name == "close":
        why = " ".join(close_blockers(report))
    elif name in ("immediate", "assign"):
        why = already_assessed(report)
    elif name == "investigate":
        why = already_assessed(report)
        if not why and report.investigations.filter(completed_at__isnull=True).exists():
            why = _("Rapporten har redan en pågående utredning.")
    elif name == "imy":
        if not report.personal_data_breach:
            why = _("Rapporten gäller ingen personuppgiftsincident.")
        else:
            why = _("Anmälan till IMY är redan registrerad.") if report.imy_reported_at else ""
    elif name == "urgent":
        decided = IvoNotification.objects.filter(report=report).exists()
        why = _("Anmälan till IVO är redan beslutad.") if decided else ""
    elif name in ("ivo_sent", "ivo_decision"):
        ivo = IvoNotification.objects.filter(report=report).first()
        if ivo is None:
            why = _("Någon anmälan till IVO är inte beslutad.")
        elif name == "ivo_sent" and ivo.sent_on is not None:
            why = _("Anmälan är redan registrerad som skickad till IVO.")
        elif name == "ivo_decision" and ivo.sent_on is None:
            why = _("Registrera först när anmälan skickades till IVO.")
        elif name == "ivo_decision" and ivo.decision_outcome:
            why = _("IVO:s beslut är redan registrerat.")
        else:
            why = ""
    else:
        why = ""
    if not why and not report.case.is_open:
        why = _("Ärendet är avslutat.")
    return why


def require_status(report: LexSarahReport, *allowed: str, to_status: str) -> None:
    current = report.case.status
    if current not in allowed:
        raise TransitionNotAllowed(WORKFLOW.label(current), WORKFLOW.label(to_status))


def require_open(report: LexSarahReport) -> None:
    if not report.case.is_open:
        raise ServiceError(_("Ärendet är avslutat."))


def already_assessed(report: LexSarahReport) -> str:
    """Why the report is past the chef's own steps (new investigation, investigator, immediate
    measure), or "" while it is not: assessed, whether or not the AU has decided yet. In IVO
    after the chair's urgent decision it is not assessed yet."""
    before = (LexSarahStatus.REPORTED, LexSarahStatus.RECEIVED, LexSarahStatus.INVESTIGATING)
    if report.assessment and report.case.status not in before:
        return _("Rapporten är redan bedömd; det som återstår görs av arbetsutskottet.")
    return ""


def require_not_assessed(report: LexSarahReport) -> None:
    why = already_assessed(report)
    if why:
        raise ServiceError(why)
