"""The API over real HTTP (requests) against the live test server: idempotent creates, bad
input, auth answers, ETag, cursor pages, rate limit, statistics equal to the report's figures,
and the IT department's register writes."""

import pytest

from cases.models import AccessLog, Case, Code, IdempotencyRecord, Role, Unit
from cases.services.cases import case_update
from cases.services.integrations import integration_account_revoke, integration_account_rotate
from deviations.models import Deviation
from reports.api import statistics_figures
from reports.editions.blocks import compute_block
from reports.editions.selectors import statistics_scope
from reports.editions.statistics import STAT_BLOCKS

PROBLEM = "application/problem+json"


def _deviation_body(org, **extra):
    return {
        "unit": org.units["A1"].pk,
        "description": "Fel läkemedel gavs till brukaren vid kvällsmedicineringen.",
        "occurred_on": "2026-11-12",
        **extra,
    }


def test_deviation_created_twice_with_one_key_exists_once(org, make_account, http):
    account, key = make_account("Treserva", (Role.MEDARBETARE, "A1"))
    client = http(key)
    headers = {"Idempotency-Key": "9b7d2c1e-journal-4711"}
    first = client.post("/api/v1/deviations/", json=_deviation_body(org), headers=headers)
    assert first.status_code == 201, first.text
    again = client.post("/api/v1/deviations/", json=_deviation_body(org), headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    cases = Case.objects.filter(description__startswith="Fel läkemedel")
    assert cases.count() == 1
    case = cases.get()
    assert case.reference == first.json()["reference"] and case.kind == "deviation"
    assert Deviation.objects.filter(case=case).exists()
    # The history names the integration, as a person's report names the person.
    row = case.history.earliest()
    assert row.history_user == account.user and row.history_change_reason == "Via API: Treserva"
    assert account.user.get_full_name() == "Treserva"
    # The same key with another body is refused, and creates nothing.
    other = client.post(
        "/api/v1/deviations/", json=_deviation_body(org, description="Annat"), headers=headers
    )
    assert other.status_code == 422 and other.headers["Content-Type"] == PROBLEM
    assert Case.objects.filter(kind="deviation").count() == 1


def test_lexsarah_report_through_the_form_service(org, make_account, http):
    _account, key = make_account("Lifecare", (Role.MEDARBETARE, "A1"))
    response = http(key).post(
        "/api/v1/lexsarah-reports/",
        json={
            "unit": org.units["A1"].pk,
            "description": "Brukaren blev utan tillsyn en natt.",
            "report_kind": "risk",
            "reporter_type": "anstalld",
        },
        headers={"Idempotency-Key": "ls-1"},
    )
    assert response.status_code == 201, response.text
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.kind == "lexsarah" and case.lexsarah.report_kind == "risk"
    assert case.lexsarah.reporter_type.code == "anstalld"
    ancient = http(key).post(
        "/api/v1/lexsarah-reports/",
        json={
            "unit": org.units["A1"].pk,
            "description": "x",
            "occurred_at": "0001-01-01T00:00:00+14:00",
        },
        headers={"Idempotency-Key": "ls-2"},
    )
    assert ancient.status_code == 400 and "occurred_at" in ancient.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"description": "Utan enhet"}, "unit"),
        ({"unit": 999999, "description": "Okänd enhet"}, "unit"),
        ({"unit": "A1", "description": "Enhet som text"}, "unit"),
        ({"unit": 10**30, "description": "Enhet utanför heltalen"}, "unit"),
        ({"unit": "99999999999", "description": "Enhet utanför heltalen"}, "unit"),
        ({"unit": True, "description": "Enhet som sanningsvärde"}, "unit"),
        ({"unit": None, "description": ""}, "description"),
        ({"unit": 1, "description": "x", "occurred_on": "igår"}, "occurred_on"),
        ({"unit": 1, "description": "x", "concerns_child": "kanske"}, "concerns_child"),
        ({"unit": 1, "description": "x" * 20_001}, "description"),
    ],
)
def test_bad_input_is_a_problem_and_creates_nothing(org, make_account, http, body, field):
    _account, key = make_account("Combine", (Role.MEDARBETARE, "A1"))
    before = (Case.objects.count(), IdempotencyRecord.objects.count())
    response = http(key).post(
        "/api/v1/deviations/", json=body, headers={"Idempotency-Key": f"bad-{field}"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Ogiltig begäran"
    assert field in problem["errors"] and problem["errors"][field][0]
    assert (Case.objects.count(), IdempotencyRecord.objects.count()) == before


def test_service_refusal_and_unreadable_body(org, make_account, http):
    _account, key = make_account("Combine", (Role.MEDARBETARE, "A1"))
    client = http(key)
    future = client.post(
        "/api/v1/deviations/",
        json=_deviation_body(org, occurred_on="2027-01-01"),
        headers={"Idempotency-Key": "future"},
    )
    assert future.status_code == 400
    assert future.json()["errors"]["non_field_errors"] == [
        "Händelsedatumet kan inte vara i framtiden."
    ]
    broken = client.post(
        "/api/v1/deviations/",
        data=b"{not json",
        headers={"Idempotency-Key": "broken", "Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and broken.headers["Content-Type"] == PROBLEM
    missing = client.post("/api/v1/deviations/", json=_deviation_body(org))
    assert missing.status_code == 400 and "Idempotency-Key" in missing.json()["errors"]
    assert not Case.objects.exists()


def test_keys_wrong_revoked_rotated_and_write_right(org, make_account, http, cases_a1):
    account, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    assert http(None).get("/api/v1/cases/").status_code == 401
    wrong = http(key[:-2] + "xx").get("/api/v1/cases/")
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.json()["detail"] == "Nyckeln är ogiltig eller spärrad."
    assert http(key).get("/api/v1/cases/").status_code == 200
    # No write right for units and code lists without the administrator role.
    denied = http(key).post(
        "/api/v1/codes/", json={"codelist": "channel", "code": "sms", "label": "SMS"}
    )
    assert denied.status_code == 403 and denied.headers["Content-Type"] == PROBLEM
    assert not Code.objects.filter(code="sms").exists()
    new_key = integration_account_rotate(account=account, actor=org.users["admin"], reason="Byte")
    assert http(key).get("/api/v1/cases/").status_code == 401
    assert http(new_key).get("/api/v1/cases/").status_code == 200
    integration_account_revoke(account=account, actor=org.users["admin"], reason="Avslutat")
    assert http(new_key).get("/api/v1/cases/").status_code == 401
    assert account.history.first().history_user == org.users["admin"]


def test_etag_and_cursor_pages(org, make_account, http, cases_a1):
    _account, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    client = http(key)
    seen, url = [], "/api/v1/cases/?limit=1"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += [c["reference"] for c in page.json()["results"]]
        cursor = page.json()["next"]
        url = f"/api/v1/cases/?limit=1&cursor={cursor}" if cursor else None
    assert len(seen) == len(set(seen)) == 4
    first = client.get("/api/v1/cases/?kind=deviation")
    tag = first.headers["ETag"]
    logged = AccessLog.objects.count()
    unchanged = client.get("/api/v1/cases/?kind=deviation", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert AccessLog.objects.count() == logged  # nothing was read again
    deviation = cases_a1["deviation"]
    case_update(
        case=deviation,
        expected_version=deviation.version,
        data={"title": "Ändrad rubrik"},
        actor=org.users["chef_a1"],
    )
    changed = client.get("/api/v1/cases/?kind=deviation", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    for bad in ("cursor=%%%", "cursor=eyJpIjogOTk5OTk5OTk5OTk5OTk5OTk5OTk5fQ", "limit=0", "unit=x"):
        answer = client.get(f"/api/v1/cases/?{bad}")
        assert answer.status_code == 400 and answer.headers["Content-Type"] == PROBLEM, bad


def test_unit_subtree_and_date_filters(org, make_account, http, cases_a1):
    _account, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    client = http(key)

    def refs(query):
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.text
        return {c["reference"] for c in response.json()["results"]}

    a1 = {cases_a1[k].reference for k in ("complaint", "deviation", "lexsarah")}
    assert refs(f"unit={org.units['A'].pk}") == a1
    assert refs(f"unit={org.units['B'].pk}") == {cases_a1["b1"].reference}
    assert refs("kind=lexsarah") == {cases_a1["lexsarah"].reference}
    assert refs("occurred_from=2026-11-10&occurred_to=2026-11-10") == {
        cases_a1["deviation"].reference
    }
    assert refs("received_to=2026-01-01") == set()
    bad = client.get("/api/v1/cases/?received_from=2026-12-01&received_to=2026-01-01")
    assert bad.status_code == 400 and "received_to" in bad.json()["errors"]


def test_rate_limit_per_key(org, make_account, http, settings):
    settings.API_RATE_LIMIT = 3
    _a, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    _b, other = make_account("Annat", (Role.KVALITETSSTRATEG, "ASF"))
    answers = [http(key).get("/api/v1/units/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = http(key).get("/api/v1/units/")
    assert limited.headers["Content-Type"] == PROBLEM and int(limited.headers["Retry-After"]) > 0
    assert http(other).get("/api/v1/units/").status_code == 200  # per key, not per server


def test_statistics_equal_the_report_figures(org, make_account, http, cases_a1):
    _account, key = make_account("Stratsys", (Role.KVALITETSSTRATEG, "ASF"))
    params = {"unit": org.units["ASF"].pk, "year": 2026, "period_start_month": 1}
    response = http(key).get("/api/v1/statistics/", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    # The same computation as the statistics page, for the same person's scope …
    _form, scope = statistics_scope(org.users["quality"], {k: str(v) for k, v in params.items()})
    expected = [compute_block(t, p, scope) for t, p in STAT_BLOCKS]
    assert len(body["blocks"]) == len(expected)
    for got, want in zip(body["blocks"], expected, strict=True):
        assert got["figures"] == want["figures"], got["title"]
        assert got["rule_text"] == want["rule_text"]
        assert [t["rows"] for t in got["tables"]] == [t["rows"] for t in want["tables"]]
    # … figure for figure, and the figures count the cases made above.
    deviations = next(b for b in body["blocks"] if b["params"] == {"kind": "deviation"})
    assert deviations["figures"][0]["value"] == 2 and deviations["rule"] == "received"
    assert statistics_figures(scope) == body["blocks"]
    # Per month and type, in the period's local months: 2026 up to today (16 November).
    months = next(b for b in body["blocks"] if b["block_type"] == "case_months")["tables"][0]
    assert len(months["rows"]) == 11 and months["rows"][10] == ["november 2026", 1, 2, 1]
    assert months["total"] == ["Totalt", 1, 2, 1]
    refused = http(key).get("/api/v1/statistics/", params={"unit": org.units["ASF"].pk, "year": 1})
    assert refused.status_code == 400 and "year" in refused.json()["errors"]


def test_it_department_updates_units_and_code_lists(org, make_account, http):
    account, key = make_account("IT-registret", (Role.ADMINISTRATOR, "ASF"))
    client = http(key)
    created = client.post(
        "/api/v1/units/",
        json={"code": "A3", "name": "Sektion A3", "kind": "sektion", "parent": org.units["A"].pk},
    )
    assert created.status_code == 201, created.text
    unit = Unit.objects.get(code="A3")
    assert created.json()["parent"] == org.units["A"].pk and unit.path.startswith(
        org.units["A"].path
    )
    renamed = client.patch(
        f"/api/v1/units/{unit.pk}/", json={"name": "Sektion A3 Norr", "valid_to": "2026-12-31"}
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Sektion A3 Norr"
    assert unit.history.first().history_user == account.user
    code = client.post(
        "/api/v1/codes/", json={"codelist": "channel", "code": "sms", "label": "SMS"}
    )
    assert code.status_code == 201
    off = client.patch(f"/api/v1/codes/{code.json()['id']}/", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    entry = Code.objects.get(codelist="channel", code="sms")
    assert entry.history.count() == 2 and entry.history.first().history_user == account.user
    duplicate = client.post(
        "/api/v1/codes/", json={"codelist": "channel", "code": "sms", "label": "SMS igen"}
    )
    assert duplicate.status_code == 400 and "code" in duplicate.json()["errors"]
    bad = client.patch(f"/api/v1/units/{unit.pk}/", json={"valid_to": "2000-01-01"})
    assert bad.status_code == 400
    assert Unit.objects.get(pk=unit.pk).valid_to.isoformat() == "2026-12-31"
    assert client.patch("/api/v1/units/999999/", json={"name": "x"}).status_code == 404
    huge = client.post(
        "/api/v1/units/", json={"code": "H", "name": "H", "kind": "sektion", "parent": 10**20}
    )
    assert huge.status_code == 400 and "parent" in huge.json()["errors"]


def test_a_case_page_is_a_fixed_number_of_queries(
    org, make_account, cases_a1, client, django_assert_max_num_queries
):
    from deviations.services import deviation_create

    _account, key = make_account("BI", (Role.KVALITETSSTRATEG, "ASF"))
    for n in range(30):
        deviation_create(
            unit=org.units["A2"], title=f"Fler {n}", description="x", actor=org.users["chef_a"]
        )
    with django_assert_max_num_queries(25):
        response = client.get("/api/v1/cases/?limit=100", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and len(response.json()["results"]) == 34
