"""Render HTML templates to PDF with WeasyPrint. Small own CSS, DejaVu fonts (DESIGN §10)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cases.masking import MASK, mask_text

# The archive's PDF variant: PDF/A-3b (fonts embedded, sRGB output intent, XMP metadata naming
# the conformance), which FGS and most Swedish e-archives accept as a preservation format.
ARCHIVE_VARIANT = "pdf/a-3b"


def render_pdf(template: str, context: dict, variant: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template, context)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    if variant:
        return document.write_pdf(pdf_variant=variant)
    return document.write_pdf()


def _person(user, masked: bool) -> str:
    if user is None:
        return "–"
    return MASK if masked else (user.get_full_name() or user.username)


def case_print_context(case, *, history, masked: bool, names=(), printed_by=None) -> dict:
    """The case file (cases/print.html): for utlämnande (optionally masked) and, unmasked, as
    the case's document in an archive package."""
    measures = list(case.measures.select_related("measure_type", "responsible"))
    notes = list(case.notes.select_related("author"))

    def clean(text: str) -> str:
        return mask_text(text, list(names)) if masked else text

    return {
        "case": case,
        "masked": masked,
        "title": clean(case.title),
        "description": clean(case.description),
        "reporter": _person(case.reporter, masked),
        "assignee": _person(case.assignee, masked),
        "measures": [
            {
                "m": m,
                "description": clean(m.description),
                "responsible": _person(m.responsible, masked),
            }
            for m in measures
        ],
        "notes": [
            {"n": n, "text": clean(n.text), "author": _person(n.author, masked)} for n in notes
        ],
        "history": [
            {
                "e": e,
                "user": MASK if masked else e.user,
                "reason": clean(e.reason),
                "changes": [
                    (
                        c.label,
                        MASK if masked and c.person else clean(c.old),
                        MASK if masked and c.person else clean(c.new),
                    )
                    for c in e.changes
                ],
            }
            for e in history
        ],
        "printed_at": timezone.now(),
        "printed_by": printed_by,
    }
