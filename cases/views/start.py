"""Start page per role, and the health endpoint for monitoring."""

from django.utils import timezone
from django.views.generic import TemplateView

from cases.models import Role
from cases.selectors import cases_reported_by, cases_visible_to

from .mixins import PermissionMixin


class StartView(PermissionMixin, TemplateView):
    template_name = "start.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        ctx["my_reports"] = (
            cases_reported_by(user).select_related("unit").order_by("-received_at")[:10]
        )
        if self.roles & {
            Role.SEKTIONSCHEF,
            Role.KVALITETSSTRATEG,
            Role.ARBETSUTSKOTT,
            Role.UTREDARE,
        }:
            open_cases = cases_visible_to(user).filter(closed_at__isnull=True)
            ctx["open_count"] = open_cases.count()
            ctx["overdue_count"] = open_cases.filter(due_at__lt=now).count()
            ctx["assigned_to_me"] = (
                open_cases.filter(assignee=user).select_related("unit").order_by("due_at")[:10]
            )
        return ctx
