"""The shapes of /api/v1/. Shared case fields here; each type's own fields come from its
CaseType.api_serializer (under `details`)."""

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from cases.models import Case, CaseKind, Code, CodeList, Measure, Unit, UnitKind
from cases.registry import case_types

from .bulk import bulk_values


class BoundedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id beyond PostgreSQL's integer range is 'not found' (400), not a database error."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int) and not 0 < data < 2**31):
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and data.strip().isdigit() and int(data) >= 2**31:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class MeasureSerializer(serializers.ModelSerializer):
    measure_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "description",
            "level",
            "measure_type",
            "status",
            "status_label",
            "due_date",
            "completed_on",
        ]
        read_only_fields = fields


def _type_serializers() -> list:
    return [t.api_serializer for t in case_types() if t.api_serializer is not None]


def _details_schema():
    # Lazy: this module is imported while the case types are still registering.
    return PolymorphicProxySerializer(
        component_name="CaseDetails",
        serializers=_type_serializers,
        resource_type_field_name=None,
        allow_null=True,
    )


class CaseSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(read_only=True)
    unit = UnitRefSerializer(read_only=True)
    event_category = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    assignee = serializers.SerializerMethodField()
    measures = MeasureSerializer(many=True, read_only=True)
    details = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "reference",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "outcome",
            "title",
            "description",
            "unit",
            "occurred_on",
            "received_at",
            "closed_at",
            "due_at",
            "event_category",
            "assignee",
            "external_reference",
            "measures",
            "details",
        ]
        read_only_fields = fields

    def get_assignee(self, case: Case) -> str | None:
        if case.assignee is None:
            return None
        return case.assignee.get_full_name() or case.assignee.get_username()

    @extend_schema_field(_details_schema())
    def get_details(self, case: Case):
        from cases.registry import case_type_or_none

        ctype = case_type_or_none(case.kind)
        if ctype is None or ctype.api_serializer is None:
            return None
        try:
            row = getattr(case, ctype.api_row)
        except ObjectDoesNotExist:
            return None  # a case imported without its type's row
        return ctype.api_serializer(row, context=self.context).data


# One instance each: their to_representation is what CaseSerializer's fields call per value.
_DATETIME = serializers.DateTimeField(read_only=True)
_DATE = serializers.DateField(read_only=True)


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def case_list_data(rows: list[Case]) -> list[dict]:
    """Exactly `CaseSerializer(rows, many=True).data` (a test compares the two), built without
    DRF's per-field machinery: a 100-row page walks 1 800 fields, which cost more than its SQL.
    Measures and each type's details come in one query each per page (bulk.bulk_values)."""
    from cases.workflow import workflow_for

    kind_labels = {k.value: str(k.label) for k in CaseKind}
    measures = _measures_by_case(rows)
    details = _details_by_case(rows)
    status_labels: dict[tuple[str, str], str] = {}
    out = []
    for case in rows:
        key = (case.kind, case.status)
        if key not in status_labels:
            status_labels[key] = workflow_for(case.kind).label(case.status)
        unit, assignee, category = case.unit, case.assignee, case.event_category
        out.append(
            {
                "reference": case.reference,
                "kind": case.kind,
                "kind_label": kind_labels.get(case.kind, case.kind),
                "status": case.status,
                "status_label": status_labels[key],
                "outcome": case.outcome,
                "title": case.title,
                "description": case.description,
                "unit": {"id": unit.id, "code": unit.code, "name": unit.name},
                "occurred_on": _date(case.occurred_on),
                "received_at": _datetime(case.received_at),
                "closed_at": _datetime(case.closed_at),
                "due_at": _datetime(case.due_at),
                "event_category": category.code if category is not None else None,
                "assignee": (assignee.get_full_name() or assignee.get_username())
                if assignee is not None
                else None,
                "external_reference": case.external_reference,
                "measures": measures.get(case.pk, []),
                "details": details.get(case.pk),
            }
        )
    return out


def _measures_by_case(rows: list[Case]) -> dict[int, list]:
    # One query for the page's measures, in the order `case.measures.all()` gives.
    measures = Measure.objects.filter(case_id__in=[case.pk for case in rows])
    by_case: dict[int, list] = {}
    for case_id, item in bulk_values(MeasureSerializer, measures, key="case_id"):
        by_case.setdefault(case_id, []).append(item)
    return by_case


def _details_by_case(rows: list[Case]) -> dict[int, dict]:
    """Each type's own fields, one query per type (a join of every type's table into the
    page's query cost more to plan than these take to run). A case imported without its
    type's row has none here: its details are null."""
    from cases.registry import case_type_or_none

    by_kind: dict[str, list[int]] = {}
    for case in rows:
        ctype = case_type_or_none(case.kind)
        if ctype is not None and ctype.api_serializer is not None:
            by_kind.setdefault(case.kind, []).append(case.pk)
    details: dict[int, dict] = {}
    for kind, pks in by_kind.items():
        ctype = case_type_or_none(kind)
        model = Case._meta.get_field(ctype.api_row).related_model
        typed = model._default_manager.filter(case_id__in=pks).order_by()
        details.update(bulk_values(ctype.api_serializer, typed, key="case_id"))
    return details


class CasePageSerializer(serializers.Serializer):
    results = CaseSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text=_("Markör till nästa sida."))


class CaseReceiptSerializer(serializers.Serializer):
    """What a create answers: the reference and status, as the web form's receipt."""

    reference = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    url = serializers.CharField()


class CaseFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[], required=False)
    unit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("Enhetens id; hela underträdet."),
    )
    status = serializers.CharField(required=False, max_length=30)
    open = serializers.BooleanField(required=False, allow_null=True, default=None)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    occurred_from = serializers.DateField(required=False)
    occurred_to = serializers.DateField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [t.kind for t in case_types()]

    def validate(self, attrs):
        for name in ("received", "occurred"):
            start, end = attrs.get(f"{name}_from"), attrs.get(f"{name}_to")
            if start and end and start > end:
                raise serializers.ValidationError(
                    {f"{name}_to": [_("Slutdatumet kan inte ligga före startdatumet.")]}
                )
        return attrs


# --- Registers -------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    parent = serializers.SerializerMethodField()
    email = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "public_name",
            "kind",
            "parent",
            "email",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields

    def get_parent(self, unit: Unit) -> int | None:
        parents = self.context.get("parents", {})
        return parents.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None


class UnitPageSerializer(serializers.Serializer):
    results = UnitSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class UnitWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=200)
    kind = serializers.SlugRelatedField(slug_field="code", queryset=UnitKind.objects.all())
    parent = BoundedPrimaryKeyField(queryset=Unit.objects.all(), required=False, allow_null=True)
    public_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate_code(self, value):
        if Unit.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Det finns redan en enhet med koden %s.") % value)
        return value


class UnitUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    public_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class CodeSerializer(serializers.ModelSerializer):
    codelist_label = serializers.CharField(source="get_codelist_display", read_only=True)

    class Meta:
        model = Code
        fields = ["id", "codelist", "codelist_label", "code", "label", "active", "order"]
        read_only_fields = fields


class CodePageSerializer(serializers.Serializer):
    results = CodeSerializer(many=True)
    next = serializers.CharField(allow_null=True)


class CodeFilterSerializer(serializers.Serializer):
    codelist = serializers.ChoiceField(choices=CodeList.choices, required=False)


class CodeWriteSerializer(serializers.Serializer):
    codelist = serializers.ChoiceField(choices=CodeList.choices)
    code = serializers.SlugField(max_length=60)
    label = serializers.CharField(max_length=200)
    active = serializers.BooleanField(required=False, default=True)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767, default=0)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def validate(self, attrs):
        if Code.objects.filter(codelist=attrs["codelist"], code=attrs["code"]).exists():
            raise serializers.ValidationError(
                {"code": [_("Koden %s finns redan i kodlistan.") % attrs["code"]]}
            )
        return attrs


class CodeUpdateSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200, required=False)
    active = serializers.BooleanField(required=False)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
