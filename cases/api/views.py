"""/api/v1/ endpoints of the case core: cases (every type), units, code lists, and the create
endpoints the case types declare. Reads go through the web's selectors, writes through the
web's services; every case read is written to the access log as the integration."""

import hashlib

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.models import AccessAction, Code, Role, Unit
from cases.registry import case_types
from cases.selectors import cases_listable_by
from cases.selectors.people import units_valid
from cases.selectors.visibility import case_get_visible
from cases.services.access import access_log_record, access_log_record_many
from cases.services.codes import code_create, code_update
from cases.services.errors import ServiceError
from cases.services.org import unit_create, unit_update

from . import serializers as s
from .auth import MaintainsRegisters, has_role
from .idempotency import HEADER, idempotent
from .pagination import PageParams, by_id, newest_first
from .types import ApiCreate

ETAG_PARAM = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="ETag från ett tidigare svar.",
)


def _via(request) -> str:
    return _("Via API: %s") % request.auth.name


def conditional(request, data) -> HttpResponse:
    """ETag/If-None-Match on lists: an unchanged page answers 304 with no body, so a nightly
    poll costs the client nothing when nothing changed. The body is rendered once and the tag
    is its hash (rendering a 100-row page twice, once for the tag, cost a tenth of it)."""
    body = JSONRenderer().render(data)
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if tag in wanted or f"W/{tag}" in wanted:
        response = HttpResponse(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = tag
    return response


def _params(serializer_class, request):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


RELATED = ("unit", "assignee", "event_category")


def _case_queryset(user):
    """One case with everything its serializer reads (the detail endpoint)."""
    prefetch = ["measures__measure_type"]
    for ctype in case_types():
        prefetch.extend(ctype.api_prefetch)
    # The list form of the visibility rule: the scope hashed once, not an EXISTS per row.
    return cases_listable_by(user).select_related(*RELATED).prefetch_related(*prefetch)


# The columns serializers.case_list_data reads (a test counts its queries, so a field read
# here but not listed would show as one query per row).
LIST_COLUMNS = (
    "kind",
    "reference",
    "status",
    "outcome",
    "title",
    "description",
    "occurred_on",
    "received_at",
    "closed_at",
    "due_at",
    "external_reference",
    "unit__code",
    "unit__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
    "event_category__code",
)


def case_list_queryset(user):
    """A page of cases, only the columns the list shows; measures, each type's row and the
    code-list values are read per page by serializers.case_list_data, not prefetched per row."""
    return cases_listable_by(user).select_related(*RELATED).only(*LIST_COLUMNS)


class CaseListView(APIView):
    @extend_schema(
        operation_id="cases_list",
        summary="Ärenden som nyckeln får se",
        parameters=[s.CaseFilterSerializer, PageParams, ETAG_PARAM],
        responses={200: s.CasePageSerializer, 304: OpenApiResponse(description="Oförändrad")},
        tags=["Ärenden"],
    )
    def get(self, request):
        filters = _params(s.CaseFilterSerializer, request)
        page = _params(PageParams, request)
        qs = case_list_queryset(request.user)
        if filters.get("kind"):
            qs = qs.filter(kind=filters["kind"])
        if filters.get("unit"):
            unit = Unit.objects.filter(pk=filters["unit"]).first()
            if unit is None:
                raise drf_serializers.ValidationError({"unit": [_("Enheten finns inte.")]})
            qs = qs.filter(unit__path__startswith=unit.path)
        if filters.get("status"):
            qs = qs.filter(status=filters["status"])
        if filters.get("open") is not None:
            qs = qs.filter(closed_at__isnull=filters["open"])
        if filters.get("received_from"):
            qs = qs.filter(received_at__date__gte=filters["received_from"])
        if filters.get("received_to"):
            qs = qs.filter(received_at__date__lte=filters["received_to"])
        if filters.get("occurred_from"):
            qs = qs.filter(occurred_on__gte=filters["occurred_from"])
        if filters.get("occurred_to"):
            qs = qs.filter(occurred_on__lte=filters["occurred_to"])
        rows, cursor = newest_first(qs, page.get("cursor"), page["limit"])
        data = {
            "results": s.case_list_data(rows),
            "next": cursor,
        }
        response = conditional(request, data)
        if response.status_code == 200 and rows:
            access_log_record_many(
                user=request.user,
                cases=rows,
                action=AccessAction.READ,
                request=request,
                detail=_("API-lista (%s)") % request.auth.name,
            )
        return response


class CaseDetailView(APIView):
    @extend_schema(
        operation_id="cases_retrieve",
        summary="Ett ärende med typens egna fält och åtgärder",
        responses={200: s.CaseSerializer},
        tags=["Ärenden"],
    )
    def get(self, request, reference: str):
        visible = case_get_visible(request.user, reference)
        case = _case_queryset(request.user).get(pk=visible.pk)
        access_log_record(
            user=request.user,
            case=case,
            action=AccessAction.READ,
            request=request,
            detail=_("API (%s)") % request.auth.name,
        )
        return Response(s.CaseSerializer(case, context={"request": request}).data)


def make_create_view(kind: str, spec: ApiCreate):
    """The create endpoint of one case type: its serializer validates, its service writes."""

    class CaseCreateView(APIView):
        @extend_schema(
            operation_id=f"{spec.path.replace('-', '_')}_create",
            summary=spec.summary,
            request=spec.serializer,
            parameters=[
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    required=True,
                    description=_("Samma nyckel vid omförsök ger samma svar och ett enda ärende."),
                )
            ],
            responses={
                201: s.CaseReceiptSerializer,
                422: OpenApiResponse(description=_("Nyckeln har använts för en annan begäran.")),
            },
            tags=["Ärenden"],
        )
        def post(self, request):
            if not has_role(request.user, *Role.values):
                # As the web's report form: a role in the organisation, whichever.
                raise PermissionDenied(_("Nyckeln har ingen roll i organisationen."))

            def create():
                form = spec.serializer(data=request.data)
                form.is_valid(raise_exception=True)
                data = dict(form.validated_data)
                reason = data.pop("reason", "") or _via(request)
                try:
                    case = spec.create(data=data, actor=request.user, reason=reason)
                except ServiceError as exc:
                    raise drf_serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
                return Response(
                    {
                        "reference": case.reference,
                        "kind": case.kind,
                        "status": case.status,
                        "status_label": str(case.status_label),
                        "url": reverse("api:case", args=[case.reference]),
                    },
                    status=201,
                )

            return idempotent(request, create)

    CaseCreateView.__name__ = f"{kind.title()}CreateView"
    return CaseCreateView


def unit_field(queryset=None):
    """The unit a new case is registered on: a unit valid today, as the web form offers."""
    return s.BoundedPrimaryKeyField(
        queryset=queryset if queryset is not None else units_valid(),
        help_text=_("Enhetens id (GET /api/v1/units/)."),
    )


# --- Units ------------------------------------------------------------------------------------


def _unit_context(units) -> dict:
    parent_paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    return {"parents": dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "id"))}


class UnitListView(APIView):
    def get_permissions(self):
        return [*super().get_permissions(), MaintainsRegisters()]

    @extend_schema(
        operation_id="units_list",
        summary="Organisationens enheter",
        parameters=[PageParams, ETAG_PARAM],
        responses={200: s.UnitPageSerializer, 304: OpenApiResponse(description="Oförändrad")},
        tags=["Enheter och kodlistor"],
    )
    def get(self, request):
        page = _params(PageParams, request)
        rows, cursor = by_id(Unit.objects.select_related("kind"), page.get("cursor"), page["limit"])
        data = {
            "results": s.UnitSerializer(rows, many=True, context=_unit_context(rows)).data,
            "next": cursor,
        }
        return conditional(request, data)

    @extend_schema(
        operation_id="units_create",
        summary="Skapa en enhet (rollen administratör)",
        request=s.UnitWriteSerializer,
        responses={201: s.UnitSerializer},
        tags=["Enheter och kodlistor"],
    )
    def post(self, request):
        form = s.UnitWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        d = form.validated_data
        try:
            unit = unit_create(
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                parent=d.get("parent"),
                public_name=d.get("public_name", ""),
                email=d.get("email", ""),
                valid_from=d.get("valid_from"),
                actor=request.user,
                reason=d.get("reason") or _via(request),
            )
        except ServiceError as exc:
            raise drf_serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        unit = Unit.objects.select_related("kind").get(pk=unit.pk)
        return Response(s.UnitSerializer(unit, context=_unit_context([unit])).data, status=201)


class UnitDetailView(APIView):
    def get_permissions(self):
        return [*super().get_permissions(), MaintainsRegisters()]

    @extend_schema(
        operation_id="units_retrieve",
        summary="En enhet",
        responses={200: s.UnitSerializer},
        tags=["Enheter och kodlistor"],
    )
    def get(self, request, pk: int):
        unit = get_object_or_404(Unit.objects.select_related("kind"), pk=pk)
        return Response(s.UnitSerializer(unit, context=_unit_context([unit])).data)

    @extend_schema(
        operation_id="units_partial_update",
        summary="Ändra en enhet (rollen administratör)",
        request=s.UnitUpdateSerializer,
        responses={200: s.UnitSerializer},
        tags=["Enheter och kodlistor"],
    )
    def patch(self, request, pk: int):
        unit = get_object_or_404(Unit, pk=pk)
        form = s.UnitUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        d = dict(form.validated_data)
        reason = d.pop("reason", "") or _via(request)
        try:
            unit = unit_update(unit=unit, actor=request.user, reason=reason, **d)
        except ServiceError as exc:
            raise drf_serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        unit = Unit.objects.select_related("kind").get(pk=unit.pk)
        return Response(s.UnitSerializer(unit, context=_unit_context([unit])).data)


# --- Code lists -------------------------------------------------------------------------------


class CodeListView(APIView):
    def get_permissions(self):
        return [*super().get_permissions(), MaintainsRegisters()]

    @extend_schema(
        operation_id="codes_list",
        summary="Kodlistornas koder",
        parameters=[s.CodeFilterSerializer, PageParams, ETAG_PARAM],
        responses={200: s.CodePageSerializer, 304: OpenApiResponse(description="Oförändrad")},
        tags=["Enheter och kodlistor"],
    )
    def get(self, request):
        filters = _params(s.CodeFilterSerializer, request)
        page = _params(PageParams, request)
        qs = Code.objects.all()
        if filters.get("codelist"):
            qs = qs.filter(codelist=filters["codelist"])
        rows, cursor = by_id(qs, page.get("cursor"), page["limit"])
        return conditional(
            request, {"results": s.CodeSerializer(rows, many=True).data, "next": cursor}
        )

    @extend_schema(
        operation_id="codes_create",
        summary="Lägg till en kod (rollen administratör)",
        request=s.CodeWriteSerializer,
        responses={201: s.CodeSerializer},
        tags=["Enheter och kodlistor"],
    )
    def post(self, request):
        form = s.CodeWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        d = dict(form.validated_data)
        reason = d.pop("reason", "") or _via(request)
        try:
            entry = code_create(actor=request.user, reason=reason, **d)
        except ServiceError as exc:
            raise drf_serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        return Response(s.CodeSerializer(entry).data, status=201)


class CodeDetailView(APIView):
    def get_permissions(self):
        return [*super().get_permissions(), MaintainsRegisters()]

    @extend_schema(
        operation_id="codes_partial_update",
        summary="Ändra en kod: benämning, aktiv, ordning (rollen administratör)",
        request=s.CodeUpdateSerializer,
        responses={200: s.CodeSerializer},
        tags=["Enheter och kodlistor"],
    )
    def patch(self, request, pk: int):
        entry = get_object_or_404(Code, pk=pk)
        form = s.CodeUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        d = dict(form.validated_data)
        reason = d.pop("reason", "") or _via(request)
        entry = code_update(entry=entry, actor=request.user, reason=reason, **d)
        return Response(s.CodeSerializer(entry).data)
