"""Lex Sarah in the e-archive (issue 21): the plan usually says *bevaras* for the report, its
investigations and the anmälan till IVO, so the type declares them and renders them as PDF/A.

Nothing here is masked: the archive receives the handling as it was (OSL still applies there;
the package's descriptive metadata says so)."""

from django.utils.translation import gettext_lazy as _

from cases.masking import mask_personnummer
from cases.models import Case
from cases.pdf import render_pdf
from cases.registry import ArchiveDocument, ArchiveDocumentKind, ArchiveMapping

from .models import Investigation, LexSarahReport

INVESTIGATION = "lexsarah.investigation"
IVO_NOTIFICATION = "lexsarah.ivo_notification"


def _investigation_pdf(investigation: Investigation, variant: str) -> bytes:
    context = {
        "inv": {
            "title": investigation.title,
            "investigator": investigation.investigator,
            "sections": [
                (label, mask_personnummer(text or ""))
                for _n, label, text in investigation.sections()
            ],
        },
        "completed": investigation.completed_at,
    }
    return render_pdf("lexsarah/pdf/investigation.html", context, variant)


def _investigation_filename(investigation) -> str:
    """Named by the reports it covers, as users call it, never by its database id."""
    references = sorted(r.case.reference for r in investigation.reports.all())
    return f"utredning-{'-'.join(references) or 'utan-rapport'}.pdf"


def lexsarah_documents(case: Case) -> list[ArchiveDocument]:
    from .pdf import ivo_notification_pdf

    report = LexSarahReport.objects.filter(pk=case.pk).first()
    if report is None:
        return []
    documents = [
        ArchiveDocument(
            kind=INVESTIGATION,
            title=str(investigation.title),
            filename=_investigation_filename(investigation),
            created=investigation.completed_at or investigation.started_at,
            render=lambda variant, i=investigation: _investigation_pdf(i, variant),
        )
        for investigation in report.investigations.prefetch_related("reports__case")
    ]
    ivo = getattr(report, "ivo", None)
    if ivo is not None:
        documents.append(
            ArchiveDocument(
                kind=IVO_NOTIFICATION,
                title=str(_("Anmälan till IVO")),
                filename="anmalan-ivo.pdf",
                created=ivo.decided_at,
                render=lambda variant: ivo_notification_pdf(ivo, variant),
            )
        )
    return documents


def lexsarah_descriptive(case: Case) -> list[tuple[str, str]]:
    report = LexSarahReport.objects.filter(pk=case.pk).first()
    if report is None:
        return []
    elements = [
        ("Rapporten gäller", str(report.get_report_kind_display())),
        ("Bedömning", str(report.get_assessment_display() or "–")),
    ]
    ivo = getattr(report, "ivo", None)
    if ivo is not None and ivo.ivo_reference:
        elements.append(("IVO:s diarienummer", ivo.ivo_reference))
    return elements


ARCHIVE = ArchiveMapping(
    default="bevaras",
    document_kinds=(
        ArchiveDocumentKind(INVESTIGATION, _("Lex Sarah-utredning"), "bevaras"),
        ArchiveDocumentKind(IVO_NOTIFICATION, _("Anmälan till IVO"), "bevaras"),
    ),
    documents=lexsarah_documents,
    descriptive=lexsarah_descriptive,
)
