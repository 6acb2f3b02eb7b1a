"""GET /api/v1/statistics/: the statistics page's figures for a BI tool (issue 21).

The same code as /rapporter/statistik/ and the kvalitetsberättelse: `statistics_scope` (the
unit and period over cases_visible_to) and `compute_block` over the page's STAT_BLOCKS. Each
block names its date rule (`rule`, `rule_text`: counted on received or closed date). Charts
are left out: they are drawings of the tables."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.auth import has_role
from cases.models import AccessAction
from cases.services.access import access_log_record_unit

from .editions.blocks import compute_block
from .editions.selectors import statistics_scope
from .editions.statistics import STAT_BLOCKS, StatisticsView


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    caption = serializers.CharField(allow_blank=True)
    headers = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=serializers.JSONField()))
    total = serializers.ListField(child=serializers.JSONField(), allow_null=True)
    note = serializers.CharField(allow_blank=True)


class FigureSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.IntegerField()


class BlockSerializer(serializers.Serializer):
    block_type = serializers.CharField()
    title = serializers.CharField()
    rule = serializers.CharField(help_text=_("Datumregeln: received (inkomstdatum) eller closed."))
    rule_label = serializers.CharField()
    rule_text = serializers.CharField()
    period_label = serializers.CharField()
    params = serializers.DictField(child=serializers.CharField())
    sentences = serializers.ListField(child=serializers.CharField())
    figures = FigureSerializer(many=True)
    tables = TableSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class StatisticsSerializer(serializers.Serializer):
    unit = serializers.DictField()
    year = serializers.IntegerField()
    period_start_month = serializers.IntegerField()
    blocks = BlockSerializer(many=True)


def statistics_figures(scope) -> list[dict]:
    """The statistics page's blocks as plain JSON (the page and this endpoint share it)."""
    blocks = []
    for block_type, params in STAT_BLOCKS:
        result = compute_block(block_type, params, scope)
        blocks.append(
            {
                "block_type": result["block_type"],
                "title": result["title"],
                "rule": result.get("rule", ""),
                "rule_label": result.get("rule_label", ""),
                "rule_text": result["rule_text"],
                "period_label": result.get("period_label", ""),
                "params": {k: str(v) for k, v in params.items()},
                "sentences": result["sentences"],
                "figures": result["figures"],
                "tables": result["tables"],
                "notes": [str(n) for n in result["notes"]],
            }
        )
    return blocks


class StatisticsApiView(APIView):
    @extend_schema(
        operation_id="statistics_retrieve",
        summary="Statistiken bakom statistiksidan och kvalitetsberättelsen",
        parameters=[
            OpenApiParameter(
                "unit", int, required=True, description=_("Enhetens id; hela underträdet.")
            ),
            OpenApiParameter("year", int, required=True, description=_("Året (2000–2100).")),
            OpenApiParameter(
                "period_start_month",
                int,
                required=False,
                enum=list(range(1, 13)),
                description=_("Månaden året börjar (1 = kalenderår)."),
            ),
        ],
        responses={200: StatisticsSerializer},
        tags=["Statistik"],
    )
    def get(self, request):
        if not has_role(request.user, *StatisticsView.required_roles):
            raise PermissionDenied(
                _("Statistiken kräver rollen kvalitetsstrateg eller sektionschef, som på webben.")
            )
        params = request.query_params.copy()
        params.setdefault("period_start_month", "1")
        if "unit" not in params:
            raise ValidationError({"unit": [_("Ange enhetens id.")]})
        form, scope = statistics_scope(request.user, params)
        if scope is None:
            raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
        access_log_record_unit(
            user=request.user,
            unit=scope.unit,
            action=AccessAction.READ,
            request=request,
            detail=_("API-statistik %(year)s (%(name)s)")
            % {"year": scope.year, "name": request.auth.name},
        )
        return Response(
            {
                "unit": {"id": scope.unit.pk, "code": scope.unit.code, "name": scope.unit.name},
                "year": scope.year,
                "period_start_month": scope.period_start[0],
                "blocks": statistics_figures(scope),
            }
        )
