"""What a lex Sarah report still needs before it may close: read by the case page, the action
table's `when` and the closing service alike (one rule, no service imports needed)."""

from django.utils.translation import gettext as _

from .models import FINDING_ASSESSMENTS, SERIOUS_ASSESSMENTS, AgendaItem, LexSarahReport


def _treated_by_au(report: LexSarahReport) -> bool:
    return (
        report.au_date is not None
        or AgendaItem.objects.filter(
            investigation__reports=report, decided_at__isnull=False
        ).exists()
    )


def close_blockers(report: LexSarahReport) -> list[str]:
    """Why the report cannot close yet (empty: it can). Shown on the page and enforced below."""
    problems = []
    if not report.assessment:
        problems.append(_("Rapporten saknar bedömning."))
        return problems
    if report.assessment in FINDING_ASSESSMENTS and not _treated_by_au(report):
        problems.append(_("Ett missförhållande eller en risk ska behandlas av arbetsutskottet."))
    ivo = report.ivo if hasattr(report, "ivo") else None  # reverse one-to-one may be absent
    if report.assessment in SERIOUS_ASSESSMENTS and (ivo is None or ivo.sent_on is None):
        problems.append(
            _(
                "Ett allvarligt missförhållande eller en påtaglig risk för ett sådant "
                "ska vara anmält till IVO."
            )
        )
    elif ivo is not None and ivo.sent_on is None:
        problems.append(_("Anmälan till IVO är beslutad men inte skickad."))
    return problems
