"""Role-aware navigation for the base layout."""

from django.conf import settings

from cases.models import Role
from cases.selectors import user_roles


def navigation(request):
    memberships = getattr(request, "avvika_memberships", None)
    if memberships is not None:  # read once by the view (PermissionMixin)
        roles = {role for role, _path in memberships}
    else:
        roles = user_roles(request.user) if request.user.is_authenticated else set()
    return {
        "roles": roles,
        "is_chef": Role.SEKTIONSCHEF in roles,
        "is_quality": Role.KVALITETSSTRATEG in roles,
        "is_au": Role.ARBETSUTSKOTT in roles,
        "is_investigator": Role.UTREDARE in roles,
        "is_registrator": Role.REGISTRATOR in roles,
        "is_admin_role": Role.ADMINISTRATOR in roles or request.user.is_superuser,
        "idle_timeout_seconds": settings.IDLE_TIMEOUT_SECONDS,
    }
