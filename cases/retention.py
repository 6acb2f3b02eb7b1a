"""Retention (gallring): after a configurable time, remove personal data and free text from
closed cases and their history while type, unit, dates, codes and measure types stay, so every
statistic and past report still adds up (DESIGN §5)."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, Measure, Note, RetentionPolicy, RetentionRun
from cases.registry import case_type_or_none
from cases.services.history import audited_delete, audited_save

SCRUBBED_TITLE = "Gallrat ärende"


def expired_cases(now=None):
    now = now or timezone.now()
    per_kind = {}
    for policy in RetentionPolicy.objects.filter(active=True):
        cutoff = now - timedelta(days=round(policy.months_after_close * 30.44))
        per_kind[policy.kind] = Case.objects.filter(
            kind=policy.kind, closed_at__lt=cutoff, anonymised_at__isnull=True, legal_hold=False
        )
    return per_kind


@transaction.atomic
def case_scrub(*, case: Case, actor=None) -> None:
    case = Case.objects.select_for_update().get(pk=case.pk)
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


def retention_run(*, dry_run: bool = False, actor=None, now=None) -> RetentionRun:
    run = RetentionRun.objects.create(dry_run=dry_run, actor=actor)
    counts: dict[str, int] = {}
    held = Case.objects.filter(legal_hold=True, anonymised_at__isnull=True).count()
    for kind, qs in expired_cases(now).items():
        counts[kind] = qs.count()
        if not dry_run:
            for case in qs.only("id").iterator(chunk_size=500):
                case_scrub(case=case, actor=actor)
    counts["bevarade_pga_rattsligt_hinder"] = held
    run.counts = counts
    run.finished_at = timezone.now()
    run.save()
    return run
