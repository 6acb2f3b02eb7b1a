"""Gallring for lex Sarah (DESIGN §5): free text and persons go, while the report kind, the
assessment, AU date and IVO dates and outcome stay so that the statistics still add up."""

from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.history import audited_save

from .models import ImmediateMeasure, Investigation, IvoNotification, LexSarahReport

REPORT_TEXT = {"persons_affected": "", "assessment_motivation": ""}
SECTIONS_BLANK = {
    name: ""
    for name in (
        "events",
        "person_view",
        "staff_view",
        "cause_analysis",
        "assessment_text",
        "proposed_measures",
    )
}


def lexsarah_scrub(case: Case) -> None:
    report = LexSarahReport.objects.filter(pk=case.pk).first()
    if report is None:
        return
    for name, value in REPORT_TEXT.items():
        setattr(report, name, value)
    audited_save(report, actor=None, reason=_("Gallring"))
    LexSarahReport.history.filter(case_id=case.pk).update(**REPORT_TEXT)
    for measure in report.immediate_measures.all():
        measure.text = ""
        audited_save(measure, actor=None, reason=_("Gallring"))
    ImmediateMeasure.history.filter(report_id=case.pk).update(text="")
    ivo = IvoNotification.objects.filter(report=report).first()
    if ivo is not None:
        ivo.motivation = ivo.decision_note = ""
        audited_save(ivo, actor=None, reason=_("Gallring"))
        IvoNotification.history.filter(report_id=case.pk).update(motivation="", decision_note="")
    _scrub_investigations(report)


def _scrub_investigations(report: LexSarahReport) -> None:
    """An investigation is text about every report it covers: scrub it once all are gallrade
    (or about to be: this one is being scrubbed now)."""
    for investigation in report.investigations.all():
        others = investigation.reports.exclude(pk=report.pk).filter(
            case__anonymised_at__isnull=True
        )
        if others.exists():
            continue
        for name, value in SECTIONS_BLANK.items():
            setattr(investigation, name, value)
        audited_save(investigation, actor=None, reason=_("Gallring"))
        Investigation.history.filter(id=investigation.pk).update(**SECTIONS_BLANK)
