"""Reads for the arkivansvarig: the kvalitetsstrateg (Role.KVALITETSSTRATEG) is the
arkivansvarig in Avvika (docs/integrations.md, "Arkivleverans"). Deliveries are seen by the
kvalitetsstrateg whose scope covers the delivering unit; the cases in one are those the same
user may see (the visibility selector), so a delivery never carries a case its author could not
read."""

from datetime import date

from django.db.models import QuerySet

from cases.models import ArchiveDelivery, Case, Role, Unit
from cases.selectors.visibility import cases_visible_to, membership_scope, units_in_scope
from cases.types import Viewer

ARCHIVE_ROLES = (Role.KVALITETSSTRATEG,)
# A case in one of these is taken: it is not put in a second delivery.
ACTIVE_DELIVERY = (
    ArchiveDelivery.Status.PENDING,
    ArchiveDelivery.Status.BUILT,
    ArchiveDelivery.Status.RECEIPTED,
)


def deliveries_visible_to(user: Viewer) -> QuerySet[ArchiveDelivery]:
    if not user.is_authenticated:
        return ArchiveDelivery.objects.none()
    return ArchiveDelivery.objects.filter(
        membership_scope(user, ARCHIVE_ROLES)  # type: ignore[arg-type]
    ).select_related("unit", "created_by", "receipted_by")


def archive_units(user: Viewer) -> QuerySet[Unit]:
    return units_in_scope(user, ARCHIVE_ROLES)


def delivery_candidates(
    user: Viewer, *, unit: Unit, case_kind: str, closed_from: date, closed_to: date
) -> QuerySet[Case]:
    """Closed, not gallrade cases of the kind in the unit's subtree that the user may see and
    that no delivery has taken yet."""
    return (
        cases_visible_to(user)
        .filter(
            kind=case_kind,
            unit__path__startswith=unit.path,
            closed_at__isnull=False,
            closed_at__date__gte=closed_from,
            closed_at__date__lte=closed_to,
            anonymised_at__isnull=True,
        )
        .exclude(archive_deliveries__status__in=ACTIVE_DELIVERY)
        .order_by("reference")
    )
