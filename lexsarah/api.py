"""Lex Sarah's part of /api/v1/ (declared on its CaseType): the report's own fields in a
case's `details`, and POST /api/v1/lexsarah-reports/ through lexsarah_report_create, the report
form's service (the unit's chef is told at once, as for a report from the form).

`persons_affected` is left out of the read: it names people, and the API gives systems what
they need to follow a case, not its personal details."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from cases.api.types import ApiCreate
from cases.api.views import unit_field
from cases.models import Code, CodeList

from .models import LexSarahReport, ReportKind
from .services import lexsarah_report_create
from .services._common import TEXT_MAX


class LexSarahApiSerializer(serializers.ModelSerializer):
    reporter_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    assessment = serializers.CharField(read_only=True, help_text=_("Tom innan bedömningen."))

    class Meta:
        model = LexSarahReport
        fields = [
            "report_kind",
            "reporter_type",
            "occurred_at",
            "concerns_child",
            "personal_data_breach",
            "imy_due_at",
            "imy_reported_at",
            "assessment",
            "assessed_at",
            "au_date",
        ]
        read_only_fields = fields


class LexSarahCreateSerializer(serializers.Serializer):
    unit = unit_field()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=TEXT_MAX)
    report_kind = serializers.ChoiceField(
        choices=ReportKind.choices, default=ReportKind.MISSFORHALLANDE
    )
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)
    reporter_type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Code.objects.filter(codelist=CodeList.REPORTER_TYPE, active=True),
        required=False,
        allow_null=True,
    )
    persons_affected = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    concerns_child = serializers.BooleanField(required=False, default=False)
    personal_data_breach = serializers.BooleanField(required=False, default=False)
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=_("Står i ärendets historik; utelämnat: ”Via API: <system>”."),
    )

    def validate_occurred_at(self, value):
        # A year the time zone cannot convert would be a 500 further on; no report is that old.
        if value is not None and value.year < 1900:
            raise serializers.ValidationError(_("Datumet är inte rimligt."))
        return value


def api_create_lexsarah(*, data: dict, actor, reason: str):
    data.setdefault("title", "")
    return lexsarah_report_create(actor=actor, reporter=actor, reason=reason, **data)


API_CREATE = ApiCreate(
    path="lexsarah-reports",
    serializer=LexSarahCreateSerializer,
    create=api_create_lexsarah,
    summary="Registrera en lex Sarah-rapport",
)
