"""The one permission mixin every staff view uses (DESIGN §8.3).

- anonymous → login redirect;
- logged in without one of `required_roles` → 403;
- objects come from a selector's scoped queryset, so an invisible object is 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from cases.selectors import user_memberships


class PermissionMixin(LoginRequiredMixin):
    required_roles: tuple[str, ...] | None = None  # None: any logged-in user

    def has_permission(self) -> bool:
        if self.required_roles is None:
            return True
        return bool(self.roles & set(self.required_roles))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Once per request: the navigation (context processor) and the case page's actor read
        # the same list instead of asking again.
        request.avvika_memberships = user_memberships(request.user)
        self.roles = {role for role, _path in request.avvika_memberships}
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
