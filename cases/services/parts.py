"""Measures, notes, links and attachments: the shared parts of every case."""

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Attachment, Case, CaseLink, Code, Measure, Note
from cases.selectors.people import may_be_responsible
from cases.types import User
from cases.uploads import HEAD_BYTES, UploadRefused, upload_type

from .errors import ServiceError
from .history import audited_save
from .transitions import transition


@transaction.atomic
def measure_create(
    *,
    actor: User,
    description: str,
    case: Case | None = None,
    measure_type: Code | None = None,
    level: str = "verksamhet",
    responsible: User | None = None,
    due_date: date | None = None,
    reason: str = "",
) -> Measure:
    if case is not None and responsible is not None and not may_be_responsible(case, responsible):
        raise ServiceError(_("Den ansvariga personen kan inte handlägga ärendet."))
    measure = Measure(
        case=case,
        description=description,
        measure_type=measure_type,
        level=level,
        responsible=responsible,
        due_date=due_date,
        created_by=actor,
    )
    return audited_save(measure, actor=actor, reason=reason or _("Åtgärd tillagd"))


def measure_set_status(
    *, measure: Measure, status: str, actor: User, reason: str = "", effect_followup: str = ""
) -> Measure:
    fields: dict[str, Any] = {"effect_followup": effect_followup} if effect_followup else {}
    return transition(
        measure,
        to=status,
        actor=actor,
        reason=reason or _("Åtgärdens status ändrades"),
        stamp={Measure.Status.DONE: "completed_on"},
        **fields,
    )


# Measures that still have work left: closing the case over them needs a deliberate "yes".
UNFINISHED_MEASURES = (Measure.Status.PLANNED, Measure.Status.ONGOING)


def measures_unfinished(case: Case) -> int:
    # The case page prefetches the measures it lists (GET only): counted from those.
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("measures")
    if prefetched is not None:
        return sum(1 for m in prefetched if m.status in UNFINISHED_MEASURES)
    return case.measures.filter(status__in=UNFINISHED_MEASURES).count()


def close_over_unfinished_measures(case: Case, *, confirmed: bool) -> str:
    """For the closing services: a case whose measures are still planned or ongoing closes
    only when the user confirmed it; the confirmation goes into the history reason (returned
    here, "" when every measure is finished)."""
    unfinished = measures_unfinished(case)
    if not unfinished:
        return ""
    if not confirmed:
        raise ServiceError(
            ngettext(
                "%(n)d åtgärd är inte genomförd. Ändra dess status, eller kryssa i att du vill "
                "avsluta ändå.",
                "%(n)d åtgärder är inte genomförda. Ändra deras status, eller kryssa i att du vill "
                "avsluta ändå.",
                unfinished,
            )
            % {"n": unfinished}
        )
    return ngettext(
        "Avslutad trots %(n)d åtgärd som inte är genomförd (bekräftat)",
        "Avslutad trots %(n)d åtgärder som inte är genomförda (bekräftat)",
        unfinished,
    ) % {"n": unfinished}


@transaction.atomic
def note_add(*, case: Case, text: str, actor: User) -> Note:
    if not text.strip():
        raise ServiceError(_("Anteckningen är tom."))
    return audited_save(
        Note(case=case, text=text, author=actor), actor=actor, reason=_("Anteckning")
    )


@transaction.atomic
def case_link(
    *, source: Case, target: Case, kind: str, actor: User | None, reason: str = ""
) -> CaseLink:
    if source.pk == target.pk:
        raise ServiceError(_("Ett ärende kan inte kopplas till sig självt."))
    existing = CaseLink.objects.filter(source=source, target=target, kind=kind).first()
    if existing:
        return existing
    link = CaseLink(source=source, target=target, kind=kind, reason=reason, created_by=actor)
    return audited_save(link, actor=actor, reason=reason or _("Ärenden kopplades"))


def _upload_type(upload: UploadedFile) -> str:
    """The allowlist (cases/uploads.py): extension and content must agree."""
    head = upload.read(HEAD_BYTES)
    upload.seek(0)

    def whole() -> bytes:
        data = upload.read()
        upload.seek(0)
        return data

    try:
        return upload_type(upload.name or "", whole, head)
    except UploadRefused as exc:
        raise ServiceError(str(exc)) from exc


@transaction.atomic
def attachment_add(*, case: Case, upload: UploadedFile, actor: User | None) -> Attachment:
    size = upload.size or 0
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ServiceError(
            _("Filen är för stor. Största tillåtna storlek är %(mb)s MB.")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    mime = _upload_type(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(
        case=case,
        original_name=(upload.name or "bilaga")[:255],
        content_type=mime,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("upload", upload, save=False)
    return audited_save(attachment, actor=actor, reason=_("Bilaga tillagd"))
