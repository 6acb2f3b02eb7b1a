"""Loggkontroll: a chef reviews who read, exported or printed cases in the units they lead."""

from django.views.generic import ListView

from cases.filters import AccessLogFilter
from cases.models import AccessLog, Role
from cases.selectors.accesslog import access_log_visible_to

from .mixins import PermissionMixin


class AccessLogView(PermissionMixin, ListView):
    required_roles = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
    template_name = "cases/accesslog.html"
    paginate_by = 50

    def get_queryset(self):
        qs = access_log_visible_to(self.request.user).select_related("user", "unit")
        self.filterset = AccessLogFilter(self.request.GET, queryset=qs, request=self.request)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        return ctx


__all__ = ["AccessLog", "AccessLogView"]
