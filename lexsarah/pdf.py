"""The AU meeting packet and the anmälan till IVO as PDF (WeasyPrint, small CSS, DESIGN §10).

Nothing that leaves Avvika as a document carries a personnummer: every free text goes through
the masking helper before it reaches the template."""

from django.utils import timezone

from cases.masking import mask_personnummer
from cases.models import OrganisationSettings
from cases.pdf import render_pdf

from .models import AgendaItem, AUMeeting, IvoNotification, LegalReference


def _clean(text: str) -> str:
    return mask_personnummer(text or "")


def _report_summary(report) -> dict:
    case = report.case
    return {
        "reference": case.reference,
        "unit": case.unit.name,
        "title": _clean(case.title),
        "received": case.received_at,
        "occurred": report.occurred_at,
        "kind": report.get_report_kind_display(),
        "assessment": report.get_assessment_display(),
        "motivation": _clean(report.assessment_motivation),
        "child": report.concerns_child,
        "breach": report.personal_data_breach,
        "description": _clean(case.description),
        "persons": _clean(report.persons_affected),
        "measures": [_clean(m.text) for m in report.immediate_measures.all()],
    }


def _investigation_summary(investigation) -> dict:
    sections = [(label, _clean(text)) for _n, label, text in investigation.sections()]
    reports = [
        _report_summary(r) for r in investigation.reports.select_related("case", "case__unit")
    ]
    return {
        "pk": investigation.pk,
        "title": investigation.title,
        "investigator": investigation.investigator,
        "sections": sections,
        # Only the parts the investigator wrote: no heading without text (issue 18).
        "summary": [(label, text) for label, text in sections if text.strip()],
        # What the agenda item is about, in the reports' own words.
        "subject": "; ".join(r["title"] for r in reports if r["title"]),
        "reports": reports,
    }


def au_packet_pdf(meeting: AUMeeting, items: list[AgendaItem]) -> bytes:
    context = {
        "meeting": meeting,
        "members": list(meeting.members.all()),
        "items": [
            {
                "item": item,
                "paragraph": item.paragraph,
                "investigation": _investigation_summary(item.investigation),
            }
            for item in items
        ],
        "legal": LegalReference.objects.filter(active=True),
        "printed": timezone.localtime(),
    }
    return render_pdf("lexsarah/pdf/au_packet.html", context)


def ivo_notification_pdf(notification: IvoNotification, variant: str | None = None) -> bytes:
    report = notification.report
    investigations = [_investigation_summary(i) for i in report.investigations.all()]
    context = {
        "n": notification,
        "report": _report_summary(report),
        "investigations": investigations,
        "motivation": _clean(notification.motivation),
        # The sender block (issue 18): nämnd, förvaltning, organisationsnummer, address and
        # contact person, as quality staff keep them in the organisation settings.
        "sender": OrganisationSettings.load(),
        "legal": LegalReference.objects.filter(active=True),
        "printed": timezone.localtime(),
    }
    return render_pdf("lexsarah/pdf/ivo_notification.html", context, variant)
