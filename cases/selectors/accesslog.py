"""Which access-log rows a user may review: those of units in their chef/quality subtree."""

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.lookups import StartsWith

from cases.models import AccessLog, Membership, Role

REVIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


def access_log_visible_to(user) -> QuerySet[AccessLog]:
    if not user.is_authenticated:
        return AccessLog.objects.none()
    scope = Exists(
        Membership.objects.active()
        .filter(user=user, role__in=REVIEW_ROLES)
        .filter(StartsWith(OuterRef("unit__path"), F("unit__path")))
    )
    return AccessLog.objects.filter(scope)
