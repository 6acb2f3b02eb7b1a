"""The one permission mixin every staff view uses (DESIGN §8.3).

- anonymous → login redirect;
- logged in without one of `required_roles` → 403;
- objects come from a selector's scoped queryset, so an invisible object is 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from cases.selectors import user_roles


class PermissionMixin(LoginRequiredMixin):
    required_roles: tuple[str, ...] | None = None  # None: any logged-in user

    def has_permission(self) -> bool:
        if self.required_roles is None:
            return True
        return bool(self.roles & set(self.required_roles))

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.roles = user_roles(request.user)
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
