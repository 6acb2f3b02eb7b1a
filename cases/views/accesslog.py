"""Loggkontroll: a chef reviews who read, exported or printed cases in the units they lead."""

from django.views.generic import ListView

from cases.models import AccessLog, Role
from cases.selectors.accesslog import access_log_list

from .mixins import PermissionMixin


class AccessLogView(PermissionMixin, ListView):
    required_roles = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
    template_name = "cases/accesslog.html"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = access_log_list(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["filter"] = self.filterset
        return ctx


__all__ = ["AccessLog", "AccessLogView"]
