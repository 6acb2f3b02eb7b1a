"""/rapporter/statistik/signaler/: the statistics page's signals (Anhøj's rules and a c-chart
per verksamhetsområde and case type) and cross-type patterns for the same unit and year.

Its own view, loaded into the statistics page by htmx (and a plain page without script), so
the statistics computation itself stays as it is. Counts only, from cases_visible_to(user),
like the statistics page."""

from django.http import Http404
from django.shortcuts import render
from django.views import View

from cases.models import Role
from cases.views.mixins import PermissionMixin

from .blocks import compute_block
from .blocks.charts import svg_data_uri
from .selectors import statistics_scope

SIGNAL_BLOCKS = [("spc", {}), ("patterns", {})]


class StatisticsSignalsView(PermissionMixin, View):
    required_roles = (Role.KVALITETSSTRATEG, Role.SEKTIONSCHEF)

    def get(self, request):
        form, scope = statistics_scope(request.user, request.GET)
        if scope is None and form.is_bound and "unit" in form.errors:
            raise Http404  # a unit outside the user's scope is not there for them
        results = []
        if scope is not None:
            for block_type, params in SIGNAL_BLOCKS:
                result = compute_block(block_type, params, scope)
                for chart in result["charts"]:
                    chart["uri"] = svg_data_uri(chart["svg"])
                results.append(result)
        template = (
            "reports/_statistics_signals.html"
            if request.htmx
            else "reports/statistics_signals.html"
        )
        return render(
            request,
            template,
            {"form": form, "results": results},
            status=200 if scope is not None else 400,
        )
