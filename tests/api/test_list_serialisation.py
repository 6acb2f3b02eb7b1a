"""The case list's hand-built rows (cases/api/serializers.case_list_data) are exactly what the
documented CaseSerializer gives, field for field, for every type, with measures, details, an
assignee, a category and a case whose type row is missing; and the page's access log is one
INSERT with one row per case."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from cases.api.serializers import CaseSerializer, case_list_data
from cases.api.views import _case_queryset, case_list_queryset
from cases.models import AccessLog, Case, CodeList, Role
from cases.services.access import access_log_record_many
from cases.services.cases import case_assign
from cases.services.parts import measure_create
from tests.factories import code, make_case


def test_hand_built_rows_equal_the_serializer(org, cases_a1):
    chef = org.users["chef_a1"]
    case_assign(case=cases_a1["deviation"], assignee=chef, actor=chef)
    measure_create(actor=chef, description="Ny rutin", case=cases_a1["deviation"])
    measure_create(actor=chef, description="Utbildning", case=cases_a1["deviation"])
    measure_create(actor=chef, description="Uppföljning", case=cases_a1["lexsarah"])
    category = code(CodeList.EVENT_CATEGORY, _any_event_code())
    Case.objects.filter(pk=cases_a1["complaint"].pk).update(event_category=category)
    # A case without its type's row (as an old import): details null in both.
    make_case(org.units["A1"], "deviation", title="Utan typrad")
    _several_codes(cases_a1)
    quality = org.users["quality"]
    rows = list(_case_queryset(quality).order_by("-received_at", "-id"))
    assert len(rows) >= 5
    expected = CaseSerializer(rows, many=True, context={"request": None}).data
    # The list endpoint's own path: type rows joined, codes and measures read per page.
    listed = list(case_list_queryset(quality).order_by("-received_at", "-id"))
    with CaptureQueriesContext(connection) as ctx:
        got = case_list_data(listed)
    # Measures, their codes, and per type its many-to-many lists and its code fields: a
    # constant number of queries whatever the page's length.
    assert len(ctx.captured_queries) <= 9, [q["sql"][:80] for q in ctx.captured_queries]
    assert json.loads(JSONRenderer().render(got)) == json.loads(JSONRenderer().render(expected))
    assert [list(r) for r in got] == [list(r) for r in expected]  # same key order
    assert any(r["measures"] for r in got) and any(r["details"] for r in got)


def _several_codes(cases):
    """Two or more codes in each many-to-many list and a code in each single field, so order
    and grouping are compared, not only empty lists."""
    from cases.models import Code

    def pick(codelist, n):
        return list(Code.objects.filter(codelist=codelist).order_by("-id")[:n])

    deviation = cases["deviation"].deviation
    deviation.deficiencies.set(pick(CodeList.DEFICIENCY, 3))
    deviation.root_causes.set(pick(CodeList.ROOT_CAUSE, 2))
    deviation.consequence = pick(CodeList.CONSEQUENCE, 1)[0]
    deviation.save()
    complaint = cases["complaint"].complaint
    complaint.topics.set(pick(CodeList.COMPLAINT_TOPIC, 3))
    complaint.save()


def _any_event_code() -> str:
    from cases.models import Code

    return Code.objects.filter(codelist=CodeList.EVENT_CATEGORY, active=True).first().code


def test_list_access_log_is_one_insert_with_a_row_per_case(org, cases_a1):
    user = org.users["quality"]
    cases = [cases_a1["complaint"], cases_a1["deviation"], cases_a1["lexsarah"]]
    before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        written = access_log_record_many(user=user, cases=cases, action="read", detail="API")
    assert written == 3 and len(ctx.captured_queries) == 1
    rows = AccessLog.objects.order_by("-id")[:3]
    assert AccessLog.objects.count() == before + 3
    assert {(r.case_id, r.case_reference, r.unit_id, r.object_label) for r in rows} == {
        (c.pk, c.reference, c.unit_id, c.reference) for c in cases
    }
    assert all(r.user == user and r.detail == "API" and r.subject in cases for r in rows)
    assert access_log_record_many(user=user, cases=[], action="read") == 0


def test_api_page_role_is_unchanged(org, make_account, cases_a1, client):
    _account, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    response = client.get("/api/v1/cases/?limit=100", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert {r["reference"] for r in response.json()["results"]} >= {
        c.reference for c in cases_a1.values()
    }
