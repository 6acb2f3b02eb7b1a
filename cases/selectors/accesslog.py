"""Which access-log rows a user may review: those of units in their chef/quality subtree."""

from django.db.models import Exists, QuerySet

from cases.filters import AccessLogFilter
from cases.models import AccessLog, Role
from cases.selectors.visibility import membership_scope
from cases.types import Params, User, Viewer

REVIEW_ROLES = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)


def access_log_rule(user: User, prefix: str = "") -> Exists:
    """The review rule as a row condition on an access-log row reached through `prefix`
    ("entry__" from a loggkontroll sample). Callers check is_authenticated."""
    return membership_scope(user, REVIEW_ROLES, f"{prefix}unit__path")


def access_log_visible_to(user: Viewer) -> QuerySet[AccessLog]:
    if not user.is_authenticated:
        return AccessLog.objects.none()
    return AccessLog.objects.filter(access_log_rule(user))


def access_log_list(user: Viewer, params: Params) -> AccessLogFilter:
    """The loggkontroll page: the rows the user may review, filtered by `params`."""
    qs = access_log_visible_to(user).select_related("user", "unit")
    return AccessLogFilter(params, queryset=qs)
