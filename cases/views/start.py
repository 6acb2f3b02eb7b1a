"""Start page per role, and the health endpoint for monitoring."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.models import Case, Role
from cases.registry import start_panels
from cases.selectors import cases_reported_by, cases_visible_to
from cases.selectors.routing import routing_queue
from cases.selectors.visibility import resolved_scopes, visible_rule_sets
from cases.services.access import access_log_record_case_list

from .mixins import PermissionMixin


class StartView(PermissionMixin, TemplateView):
    template_name = "start.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        now = timezone.now()
        ctx["my_reports"] = list(
            cases_reported_by(user).select_related("unit").order_by("-received_at")[:10]
        )
        shown = list(ctx["my_reports"])
        scopes = None
        if self.roles & {
            Role.SEKTIONSCHEF,
            Role.KVALITETSSTRATEG,
            Role.ARBETSUTSKOTT,
            Role.UTREDARE,
            Role.REGISTRATOR,
        }:
            open_cases = cases_visible_to(user).filter(closed_at__isnull=True)
            # Both figures in one pass over the open cases (exact, never cached), with the
            # visibility rule in its set form: scope and grants read once, not per case.
            scopes = resolved_scopes(user)  # one query, shared with the routing queue
            counts = (
                Case.objects.filter(closed_at__isnull=True)
                .filter(visible_rule_sets(user, scopes))
                .aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)))
            )
            ctx["open_count"] = counts["open"]
            ctx["overdue_count"] = counts["overdue"]
            ctx["assigned_to_me"] = list(
                open_cases.filter(assignee=user).select_related("unit").order_by("due_at")[:10]
            )
            shown += ctx["assigned_to_me"]
        if scopes is not None and scopes.routes_cases:
            # Counts only (no titles): the queue itself is in the inbox (issue 18).
            rows, ctx["routing_total"] = routing_queue(user, scopes=scopes)
            ctx["routing_overdue"] = sum(1 for row in rows if row.overdue)
        ctx["panels"] = []
        for panel in start_panels():
            if self.roles & set(panel.roles):
                panel_ctx = panel.context(user)
                shown += panel_ctx.get("cases", [])
                ctx["panels"].append({"template": panel.template, **panel_ctx})
        # The lists show case titles: one access-log row for the page view.
        access_log_record_case_list(
            user=user, cases=shown, request=self.request, detail=_("Startsidan")
        )
        return ctx
