"""Writes for the retention plan and the deliveries to the e-archive (issue 21). Each write is
audited (history with actor and reason); the package is built by a Celery task enqueued on
commit, which calls `archive_delivery_build` back."""

from __future__ import annotations

import hashlib
import logging
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ArchiveDelivery, Disposition, RetentionClass, Unit
from cases.queue import task
from cases.registry import archive_source
from cases.retention import retention_subjects
from cases.services.errors import ServiceError, TransitionNotAllowed
from cases.services.history import audited_save, reason_clean
from cases.services.transitions import next_statuses, transition
from cases.types import User

from .selectors import ACTIVE_DELIVERY, archive_units, delivery_candidates

logger = logging.getLogger(__name__)
BUILD_TASK = "cases.tasks.build_archive_delivery"


def _require_archivist(actor: User, unit: Unit | None = None) -> None:
    units = archive_units(actor)
    if not (units.filter(pk=unit.pk) if unit else units).exists():
        raise PermissionDenied


@transaction.atomic
def retention_class_set(
    *,
    subject: str,
    disposition: str,
    years: int | None,
    decision_reference: str,
    actor: User,
    reason: str,
) -> RetentionClass:
    """Record the plan's decision for a case type or document kind."""
    _require_archivist(actor)
    if subject not in {s[0] for s in retention_subjects()}:
        raise ServiceError(_("Okänd ärendetyp eller handlingstyp."))
    if disposition not in Disposition.values:
        raise ServiceError(_("Välj bevaras eller ett gallringsalternativ."))
    if disposition == Disposition.AFTER_YEARS:
        if not years or not 1 <= years <= 150:
            raise ServiceError(_("Ange gallringsfristen i hela år (1–150)."))
    else:
        years = None
    decision_reference = (decision_reference or "").strip()
    if not decision_reference:
        raise ServiceError(_("Ange beslutet i dokumenthanteringsplanen."))
    reason = reason_clean(reason)
    if not reason:
        raise ServiceError(_("Ange varför klassen ändras."))
    row = RetentionClass.objects.select_for_update().filter(subject=subject).first()
    row = row or RetentionClass(subject=subject)
    row.disposition, row.years, row.decision_reference = disposition, years, decision_reference
    return audited_save(row, actor=actor, reason=reason)


@transaction.atomic
def archive_delivery_create(
    *,
    unit: Unit,
    case_kind: str,
    closed_from: date,
    closed_to: date,
    actor: User,
    reason: str = "",
) -> ArchiveDelivery:
    _require_archivist(actor, unit)
    if closed_from > closed_to:
        raise ServiceError(_("Från-datumet ligger efter till-datumet."))
    cases = list(
        delivery_candidates(
            actor, unit=unit, case_kind=case_kind, closed_from=closed_from, closed_to=closed_to
        ).select_for_update(of=("self",))
    )
    if not cases:
        raise ServiceError(
            _(
                "Det finns inga avslutade ärenden av den typen under perioden som inte redan levererats."
            )
        )
    delivery = audited_save(
        ArchiveDelivery(
            unit=unit,
            case_kind=case_kind,
            closed_from=closed_from,
            closed_to=closed_to,
            created_by=actor,
        ),
        actor=actor,
        reason=reason_clean(reason) or _("Arkivleverans beställd"),
    )
    delivery.package_name = f"avvika-leverans-{delivery.pk:05d}"
    delivery.cases.set(cases)
    audited_save(delivery, actor=actor, reason=_("%d ärenden valda") % len(cases))
    transaction.on_commit(lambda: task(BUILD_TASK).delay(delivery.pk))
    return delivery


@transaction.atomic
def archive_delivery_create_item(
    *, source: str, item_id: int, actor: User, reason: str = ""
) -> ArchiveDelivery:
    """Deliver one item of a registered source (the approved kvalitetsberättelse of a year)."""
    registered = archive_source(source)
    if registered is None:
        raise ServiceError(_("Okänt slag av leverans."))
    if item_id not in {pk for pk, _label in registered.choices(actor)}:
        raise ServiceError(_("Välj en av de godkända handlingarna i listan."))
    item = registered.item(item_id)
    unit = Unit.objects.get(pk=item.unit_id)
    _require_archivist(actor, unit)
    taken = ArchiveDelivery.objects.filter(
        source=source, source_id=item_id, status__in=ACTIVE_DELIVERY
    )
    if taken.exists():
        raise ServiceError(_("Den här handlingen finns redan i en leverans."))
    delivery = audited_save(
        ArchiveDelivery(
            unit=unit,
            source=source,
            source_id=item_id,
            source_label=f"{registered.label}: {item.title}"[:200],
            created_by=actor,
        ),
        actor=actor,
        reason=reason_clean(reason) or _("Arkivleverans beställd"),
    )
    delivery.package_name = f"avvika-leverans-{delivery.pk:05d}"
    audited_save(delivery, actor=actor, reason=_("Leverans av %s") % item.title)
    transaction.on_commit(lambda: task(BUILD_TASK).delay(delivery.pk))
    return delivery


def archive_delivery_build(*, delivery_id: int) -> ArchiveDelivery | None:
    """Idempotent: a delivery already built (or receipted) is left as it is."""
    from .package import build_package

    with transaction.atomic():
        delivery = ArchiveDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.status != ArchiveDelivery.Status.PENDING:
            return delivery
        try:
            path, manifest = build_package(delivery, reader=delivery.created_by)
        except Exception as exc:
            logger.exception("archive package %s failed", delivery_id)
            return transition(
                delivery,
                to=ArchiveDelivery.Status.FAILED,
                actor=None,
                reason=_("Leveranspaketet kunde inte byggas"),
                locked=True,
                error=str(exc)[:2000],
            )
        try:
            _store(delivery, path)
        finally:
            path.unlink(missing_ok=True)
            path.parent.rmdir()
        return transition(
            delivery,
            to=ArchiveDelivery.Status.BUILT,
            actor=None,
            reason=_("Leveranspaketet är byggt"),
            locked=True,
            manifest=manifest,
            built_at=timezone.now(),
            error="",
        )


def _store(delivery: ArchiveDelivery, path: Path) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    delivery.package_sha256 = digest.hexdigest()
    delivery.package_size = path.stat().st_size
    with path.open("rb") as handle:
        delivery.package_file.save(path.name, File(handle), save=False)


@transaction.atomic
def archive_delivery_receipt(
    *, delivery: ArchiveDelivery, receipt_reference: str, actor: User, reason: str = ""
) -> ArchiveDelivery:
    """The e-archive has taken the package: from now on the plan may remove its cases."""
    delivery = ArchiveDelivery.objects.select_for_update().get(pk=delivery.pk)
    _require_archivist(actor, delivery.unit)
    if ArchiveDelivery.Status.RECEIPTED not in next_statuses(delivery):
        raise TransitionNotAllowed(
            delivery.get_status_display(), str(ArchiveDelivery.Status.RECEIPTED.label)
        )
    receipt_reference = (receipt_reference or "").strip()
    if not receipt_reference:
        raise ServiceError(
            _("Ange arkivets kvittens (till exempel dess leverans- eller diarienummer).")
        )
    # The archive holds the package now; a copy left here would outlive the cases' gallring.
    # The checksum and the manifest stay as the record of what was delivered.
    if delivery.package_file:
        delivery.package_file.delete(save=False)
    return transition(
        delivery,
        to=ArchiveDelivery.Status.RECEIPTED,
        actor=actor,
        reason=reason_clean(reason) or _("Kvitterad av arkivet"),
        locked=True,
        receipt_reference=receipt_reference[:200],
        receipted_at=timezone.now(),
        receipted_by=actor,
    )
