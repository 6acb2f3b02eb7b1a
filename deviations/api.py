"""The deviation's part of /api/v1/ (declared on its CaseType): its own fields in a case's
`details`, and POST /api/v1/deviations/ through deviation_create, the report form's service."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.api.types import ApiCreate
from cases.api.views import unit_field

from .models import Deviation
from .services import DESCRIPTION_MAX, SHORT_TEXT_MAX, TITLE_MAX, deviation_create


class DeviationApiSerializer(serializers.ModelSerializer):
    consequence = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    deficiencies = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    root_causes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    reclassified_to = serializers.CharField(
        read_only=True, help_text=_("Tom om inte omklassificerad.")
    )

    class Meta:
        model = Deviation
        fields = [
            "immediate_consequence",
            "concerns_child",
            "at_absence_or_handover",
            "consequence",
            "deficiencies",
            "root_causes",
            "closing_summary",
            "reclassified_to",
        ]
        read_only_fields = fields


class DeviationCreateSerializer(serializers.Serializer):
    unit = unit_field()
    title = serializers.CharField(max_length=TITLE_MAX, required=False, allow_blank=True)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    occurred_on = serializers.DateField(required=False, allow_null=True)
    immediate_consequence = serializers.CharField(
        max_length=SHORT_TEXT_MAX, required=False, allow_blank=True
    )
    concerns_child = serializers.BooleanField(required=False, default=False)
    at_absence_or_handover = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("Står i ärendets historik; utelämnat: ”Via API: <system>”."),
    )


def api_create_deviation(*, data: dict, actor, reason: str):
    # The system is both actor and reporter: the history names it, as a person's report would.
    data.setdefault("title", "")  # the service derives it from the description
    return deviation_create(actor=actor, reporter=actor, reason=reason, **data)


API_CREATE = ApiCreate(
    path="deviations",
    serializer=DeviationCreateSerializer,
    create=api_create_deviation,
    summary="Rapportera en kvalitetsavvikelse",
)
