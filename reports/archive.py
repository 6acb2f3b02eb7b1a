"""The approved kvalitetsberättelse in the e-archive (issue 21): most plans keep it (bevaras).
The archive receives exactly the approved PDF (its checksum is the one recorded at approval);
editions are compiled as PDF/A-3b (compile.py), so that file is already an archival format."""

from django.utils.translation import gettext_lazy as _

from cases.registry import ArchiveDocument, ArchiveDocumentKind, ArchiveItem, ArchiveSource
from cases.services.history import person_name

from .editions.models import ReportEdition
from .editions.selectors import editions_visible_to

KIND = "kvalitetsberattelse"


def _approved(user):
    return editions_visible_to(user).filter(
        status=ReportEdition.Status.APPROVED, approved_pdf__isnull=False
    )


def approved_choices(user) -> list[tuple[int, str]]:
    return [
        (edition.pk, f"{edition.title} {edition.year} – {edition.unit.name}")
        for edition in _approved(user).order_by("-year", "unit__name")
    ]


def _read(compiled) -> bytes:
    with compiled.file.open("rb") as handle:
        return handle.read()


def approved_item(edition_id: int) -> ArchiveItem:
    edition = ReportEdition.objects.select_related("unit", "approved_pdf", "approved_by").get(
        pk=edition_id, status=ReportEdition.Status.APPROVED
    )
    compiled = edition.approved_pdf
    return ArchiveItem(
        reference=edition.diarienummer or f"KB-{edition.unit.code}-{edition.year}",
        title=f"{edition.title} {edition.year}",
        unit_id=edition.unit_id,
        unit_name=edition.unit.name,
        created=edition.approved_at,
        status=str(edition.get_status_display()),
        documents=[
            ArchiveDocument(
                kind=KIND,
                title=f"{edition.title} {edition.year}",
                filename=f"kvalitetsberattelse-{edition.year}.pdf",
                created=edition.approved_at,
                render=lambda variant, c=compiled: _read(c),
            )
        ],
        elements=[
            ("År", str(edition.year)),
            ("Godkänd av", person_name(edition.approved_by) or "–"),
            ("Kontrollsumma vid godkännandet (SHA-256)", compiled.sha256),
        ],
    )


SOURCE = ArchiveSource(
    key=KIND,
    label=_("Godkänd kvalitetsberättelse"),
    document_kind=ArchiveDocumentKind(KIND, _("Kvalitetsberättelse (godkänd)"), "bevaras"),
    choices=approved_choices,
    item=approved_item,
)
