"""Which access-log rows a user may review: those of units in their chef/quality subtree."""

from django.db.models import QuerySet

from cases.models import AccessLog, Role
from cases.selectors.visibility import membership_scope

REVIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


def access_log_visible_to(user) -> QuerySet[AccessLog]:
    if not user.is_authenticated:
        return AccessLog.objects.none()
    scope = membership_scope(user, REVIEW_ROLES, "unit__path")
    return AccessLog.objects.filter(scope)
