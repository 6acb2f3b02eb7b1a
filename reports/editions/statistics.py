"""/rapporter/statistik/: the report's block computations in the browser, filterable by unit
and period, starting from cases_countable_by(user) (the cases_visible_to rule as hashed sets);
every table exports to XLSX. A year not yet over is counted up to today (BlockScope.as_of)."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import View

from cases.models import AccessAction, Role
from cases.services.access import access_log_record_unit
from cases.views.mixins import PermissionMixin
from cases.xlsx import xlsx_response
from reports.editions.xlsx_names import export_filename

from .blocks import compute_block
from .blocks.charts import svg_data_uri
from .selectors import statistics_scope

STAT_BLOCKS = [
    ("case_count", {"kind": "complaint", "source": "utomstaende"}),
    ("case_trend", {"kind": "complaint", "source": "utomstaende"}),
    ("case_count", {"kind": "complaint", "source": "personal"}),
    ("case_count", {"kind": "deviation"}),
    ("case_trend", {"kind": "deviation"}),
    ("case_distribution", {"kind": "deviation", "dimension": "event_category", "rule": "closed"}),
    ("case_distribution", {"kind": "deviation", "dimension": "deficiency", "rule": "closed"}),
    ("case_distribution", {"kind": "deviation", "dimension": "root_cause", "rule": "closed"}),
    ("case_distribution", {"kind": "deviation", "dimension": "measure_type", "rule": "closed"}),
    (
        "case_distribution",
        {
            "kind": "complaint",
            "source": "utomstaende",
            "dimension": "complaint_topic",
            "rule": "received",
            "period": "report",
        },
    ),
    ("case_count", {"kind": "lexsarah"}),
    ("lexsarah", {}),
    # Last, so the XLSX links of the blocks above keep their numbers.
    ("case_months", {}),
]


class StatisticsView(PermissionMixin, View):
    required_roles = (Role.KVALITETSSTRATEG, Role.SEKTIONSCHEF)

    def _scope(self, request):
        return statistics_scope(request.user, request.GET)

    def get(self, request):
        form, scope = self._scope(request)
        results = []
        if scope is not None:
            for block_type, params in STAT_BLOCKS:
                result = compute_block(block_type, params, scope)
                for chart in result.get("charts", []):
                    chart["uri"] = svg_data_uri(chart["svg"])
                results.append(result)
        query = (
            request.GET.urlencode()
            if "unit" in request.GET
            else (
                f"unit={form.data.get('unit', '')}&year={form.data.get('year', '')}"
                f"&period_start_month={form.data.get('period_start_month', 1)}"
            )
        )
        return render(
            request,
            "reports/statistics.html",
            {"form": form, "results": results, "query": query},
            status=200 if scope is not None or not form.is_bound else 400,
        )


class StatisticsExportView(StatisticsView):
    def get(self, request):
        form, scope = self._scope(request)
        try:
            block_type, params = STAT_BLOCKS[int(request.GET.get("block", ""))]
            result = compute_block(block_type, params, scope) if scope else None
            table = result["tables"][int(request.GET.get("table", ""))] if result else None
        except (ValueError, IndexError):
            raise Http404 from None
        if table is None:
            raise Http404
        # Figures only, counted from cases_visible_to(user); logged once for the unit covered.
        access_log_record_unit(
            user=request.user,
            unit=scope.unit,
            action=AccessAction.EXPORT,
            request=request,
            detail=f"Statistikexport {scope.year}: {table['caption'] or table['key']}",
        )
        rows = list(table["rows"]) + ([table["total"]] if table["total"] else [])
        if table["note"]:
            rows.append([table["note"]])
        rows.append([result["rule_text"]])
        return xlsx_response(
            export_filename("statistik", scope.year, table),
            table["caption"] or _("Statistik"),
            table["headers"],
            rows,
        )
