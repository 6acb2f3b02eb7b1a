"""Retention (gallring): after a configurable time, remove personal data and free text from
closed cases and their history while type, unit, dates, codes and measure types stay, so every
statistic and past report still adds up (DESIGN §5)."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    ArchiveDelivery,
    Attachment,
    Case,
    Disposition,
    Measure,
    Note,
    RetentionClass,
    RetentionPolicy,
    RetentionRun,
)
from cases.registry import case_type_or_none, case_types, document_kinds
from cases.services.errors import ServiceError
from cases.services.history import audited_delete, audited_save

SCRUBBED_TITLE = "Gallrat ärende"


# --- Retention classes (dokumenthanteringsplan, issue 21) -------------------------------------


@dataclass(frozen=True)
class EffectiveClass:
    """The class that applies to a subject: the recorded row, or the type's declared default
    (`recorded` False: the arkivansvarig has not yet entered the plan's decision)."""

    subject: str
    label: str
    disposition: str
    years: int | None
    decision_reference: str
    recorded: bool

    @property
    def keep(self) -> bool:
        return self.disposition == Disposition.KEEP

    @property
    def disposition_label(self) -> str:
        return str(Disposition(self.disposition).label)


def retention_subjects() -> list[tuple[str, str, str, int | None]]:
    """(subject, label, default disposition, default years) for every case type and
    document kind the plan classifies."""
    subjects = []
    for ct in case_types():
        mapping = ct.archive
        default = mapping.default if mapping else Disposition.OBSOLETE
        years = mapping.default_years if mapping else None
        subjects.append((ct.kind, str(ct.label), str(default), years))
    for kind in document_kinds():
        subjects.append((kind.key, str(kind.label), str(kind.default), None))
    return subjects


def retention_classes() -> list[EffectiveClass]:
    rows = {row.subject: row for row in RetentionClass.objects.all()}
    result = []
    for subject, label, default, years in retention_subjects():
        row = rows.get(subject)
        if row is None:
            result.append(EffectiveClass(subject, label, default, years, "", False))
        else:
            result.append(
                EffectiveClass(
                    subject, label, row.disposition, row.years, row.decision_reference, True
                )
            )
    return result


def retention_class_of(subject: str) -> EffectiveClass:
    for effective in retention_classes():
        if effective.subject == subject:
            return effective
    raise KeyError(subject)


def kept_document_kinds(case: Case) -> list[str]:
    """The "bevaras" document kinds among this case's documents (an IVO notification)."""
    ct = case_type_or_none(case.kind)
    if ct is None or ct.archive is None or ct.archive.documents is None:
        return []
    kinds = {doc.kind for doc in ct.archive.documents(case)}
    return [c.label for c in retention_classes() if c.subject in kinds and c.keep]


def receipted(case: Case) -> bool:
    return case.archive_deliveries.filter(status=ArchiveDelivery.Status.RECEIPTED).exists()


def gallring_block_reason(case: Case) -> str:
    """Why the case may not be scrubbed now, or "": what must be kept is never scrubbed before
    the e-archive has receipted its delivery (the archive then holds it)."""
    if case.legal_hold:
        return _("Ärendet är markerat att bevaras (pågående tillsyn eller domstolsärende).")
    kept = retention_class_of(case.kind).keep
    documents = kept_document_kinds(case)
    if (kept or documents) and not receipted(case):
        what = _("ärendet") if kept else ", ".join(documents)
        return _(
            "Ärendet får inte gallras: %(what)s ska bevaras enligt dokumenthanteringsplanen och "
            "arkivet har inte kvitterat någon leverans av det."
        ) % {"what": what}
    return ""


def _past_time(policy: RetentionPolicy, effective: EffectiveClass, now):
    months = policy.months_after_close
    if effective.disposition == Disposition.AFTER_YEARS and effective.years:
        months = effective.years * 12  # the plan's own time wins over the local rule
    cutoff = now - timedelta(days=round(months * 30.44))
    return Case.objects.filter(
        kind=policy.kind, closed_at__lt=cutoff, anonymised_at__isnull=True, legal_hold=False
    )


def expired_cases(now=None):
    now = now or timezone.now()
    per_kind = {}
    for policy in RetentionPolicy.objects.filter(active=True):
        effective = retention_class_of(policy.kind)
        qs = _past_time(policy, effective, now)
        if effective.keep:
            qs = qs.filter(archive_deliveries__status=ArchiveDelivery.Status.RECEIPTED).distinct()
        per_kind[policy.kind] = qs
    return per_kind


def awaiting_receipt(now=None) -> int:
    """Cases past their time that are kept until the e-archive receipts their delivery."""
    now = now or timezone.now()
    total = 0
    for policy in RetentionPolicy.objects.filter(active=True):
        effective = retention_class_of(policy.kind)
        if effective.keep:
            total += (
                _past_time(policy, effective, now)
                .exclude(archive_deliveries__status=ArchiveDelivery.Status.RECEIPTED)
                .count()
            )
    return total


@transaction.atomic
def case_scrub(*, case: Case, actor=None) -> None:
    case = Case.objects.select_for_update().get(pk=case.pk)
    reason = gallring_block_reason(case)
    if reason:
        raise ServiceError(reason)
    for note in list(case.notes.all()):
        audited_delete(note, actor=actor, reason=_("Gallring"))
    Note.history.filter(case_id=case.pk).update(text="")
    for attachment in list(case.attachments.all()):
        attachment.file.delete(save=False)
        audited_delete(attachment, actor=actor, reason=_("Gallring"))
    Attachment.history.filter(case_id=case.pk).update(original_name="", file="")
    for measure in case.measures.all():
        measure.description = ""
        measure.effect_followup = ""
        measure.responsible = None
        audited_save(measure, actor=actor, reason=_("Gallring"))
    Measure.history.filter(case_id=case.pk).update(
        description="", effect_followup="", responsible=None
    )
    # The type's own personal data (sender contact, persons affected): its CaseType says how.
    ct = case_type_or_none(case.kind)
    if ct is not None and ct.scrubber is not None:
        ct.scrubber(case)
    _scrub_manifests(case, actor)
    case.title = SCRUBBED_TITLE
    case.description = ""
    case.reporter = None
    case.assignee = None
    case.anonymised_at = timezone.now()
    audited_save(case, actor=actor, reason=_("Gallring enligt dokumenthanteringsplanen"))
    # Personal data must leave the history too; the gallring row itself says what happened.
    Case.history.filter(id=case.pk).update(
        title=SCRUBBED_TITLE, description="", reporter=None, assignee=None
    )


def _scrub_manifests(case: Case, actor) -> None:
    """A delivery's manifest names the case and its files (an attachment's name may name a
    person): after gallring it keeps the diarienummer, paths and checksums only."""
    for delivery in case.archive_deliveries.select_for_update():
        for entry in delivery.manifest.get("cases", []):
            if entry.get("reference") == case.reference:
                entry["title"] = SCRUBBED_TITLE
                for item in entry.get("files", []):
                    item["title"] = ""
        # The manifest is not in the delivery's history (excluded field): nothing else to clean.
        audited_save(delivery, actor=actor, reason=_("Gallring av %s") % case.reference)


def retention_run(*, dry_run: bool = False, actor=None, now=None) -> RetentionRun:
    run = RetentionRun.objects.create(dry_run=dry_run, actor=actor)
    counts: dict[str, int] = {}
    held = Case.objects.filter(legal_hold=True, anonymised_at__isnull=True).count()
    waiting = awaiting_receipt(now)
    for kind, qs in expired_cases(now).items():
        due = [case for case in qs.iterator(chunk_size=500) if not gallring_block_reason(case)]
        waiting += qs.count() - len(due)
        counts[kind] = len(due)
        if not dry_run:
            for case in due:
                case_scrub(case=case, actor=actor)
    counts["bevarade_pga_rattsligt_hinder"] = held
    counts["vantar_pa_arkivleverans"] = waiting
    run.counts = counts
    run.finished_at = timezone.now()
    run.save()
    return run
