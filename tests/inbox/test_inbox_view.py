"""The inbox page: who gets in, which rows, filters, search, keyset paging, query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CodeList
from cases.selectors import cases_visible_to
from cases.selectors.inbox import inbox_cases, inbox_page
from cases.services.cases import case_assign, case_transition
from tests.factories import UserFactory, code, make_case

URL = "/inkorg/"


def refs(response) -> set[str]:
    return {c.reference for c in response.context["page"].rows}


# --- access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"]


@pytest.mark.parametrize("username", ["staff_a1", "admin"])
def test_medarbetare_and_admin_get_403(org, login, username):
    # Documented choice: without a handling or reviewing role there is no inbox (403).
    client = login(org.users[username])
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export/").status_code == 403
    assert client.post(URL + "massatgard/", {"action": "receive"}).status_code == 403


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("chef_a1", {("A1", k) for k in ("complaint", "deviation", "lexsarah")}),
        ("chef_a", {(u, k) for u in ("A1", "A2") for k in ("complaint", "deviation", "lexsarah")}),
        ("chef_b1", {("B1", k) for k in ("complaint", "deviation", "lexsarah")}),
        (
            "quality",
            {(u, k) for u in ("A1", "A2", "B1") for k in ("complaint", "deviation", "lexsarah")},
        ),
        ("au", {(u, "lexsarah") for u in ("A1", "A2", "B1")}),
        ("investigator", set()),
    ],
)
def test_rows_are_exactly_what_the_visibility_selector_allows(
    org, login, spread, username, expected
):
    made = spread()
    user = org.users[username]
    response = login(user).get(URL)
    assert response.status_code == 200
    assert refs(response) == {made[key].reference for key in expected}
    selector = set(
        cases_visible_to(user).filter(closed_at__isnull=True).values_list("reference", flat=True)
    )
    assert refs(response) == selector


def test_closed_protected_and_granted_cases(org, login, complaint):
    chef = org.users["chef_a1"]
    open_case = make_case(org.units["A1"], title="Öppet")
    closed = make_case(org.units["A1"], title="Stängt")
    case_transition(case=closed, to_status="avslutad", actor=chef, reason="Klart")
    protected = make_case(org.units["A1"], title="Skyddat", skyddad=True)
    elsewhere = make_case(org.units["B1"], title="Tilldelat utanför")
    case_assign(case=elsewhere, assignee=chef, actor=org.users["chef_b1"])
    response = login(chef).get(URL)
    assert refs(response) == {open_case.reference, elsewhere.reference}
    assert protected.reference not in response.content.decode()
    rows = {c.reference: c for c in response.context["page"].rows}
    assert rows[elsewhere.reference].can_handle  # the assignment grants handle_case


def test_columns_labels_and_deadline_state(org, login):
    now = timezone.now()
    late = make_case(
        org.units["A1"], "deviation", title="Sen", received_at=now - timedelta(days=20)
    )
    response = login(org.users["chef_a1"]).get(URL)
    html = response.content.decode()
    assert "Kvalitetsavvikelse" in html and "Rapporterad" in html and "Sektion A1" in html
    assert "badge badge-overdue" in html and "Försenad" in html
    assert f'href="/arenden/{late.reference}/"' in html
    assert "20 dagar" in html
    assert "Ej tilldelad" in html
    assert 'id="inbox-help"' in html and "js/inbox.js" in html
    assert "<script>" not in html and "style=" not in html  # strict CSP


# --- filters and search ------------------------------------------------------------------------


def test_filters(org, login, spread):
    made = spread()
    chef = org.users["chef_a"]
    client = login(chef)
    assert refs(client.get(URL, {"kind": "deviation"})) == {
        made[("A1", "deviation")].reference,
        made[("A2", "deviation")].reference,
    }
    assert refs(client.get(URL, {"unit": org.units["A2"].pk})) == {
        made[("A2", k)].reference for k in ("complaint", "deviation", "lexsarah")
    }
    assert refs(client.get(URL, {"status": "lexsarah:rapporterad"})) == {
        made[("A1", "lexsarah")].reference,
        made[("A2", "lexsarah")].reference,
    }
    # A unit outside the user's scope is not a valid choice: the filter is ignored, and the
    # rows stay inside the visibility rule.
    assert refs(client.get(URL, {"unit": org.units["B1"].pk})) == {
        made[(u, k)].reference for u in ("A1", "A2") for k in ("complaint", "deviation", "lexsarah")
    }


def test_assignee_overdue_and_event_category_filters(org, login):
    chef = org.users["chef_a1"]
    mine = make_case(org.units["A1"], title="Mitt")
    case_assign(case=mine, assignee=chef, actor=chef)
    theirs = make_case(org.units["A1"], title="Utredarens")
    case_assign(case=theirs, assignee=org.users["investigator"], actor=chef)
    free = make_case(
        org.units["A1"], title="Fritt", received_at=timezone.now() - timedelta(days=30)
    )
    category = code(CodeList.EVENT_CATEGORY, _any_event_code())
    categorised = make_case(org.units["A1"], title="Kategoriserad", event_category=category)
    client = login(chef)
    assert refs(client.get(URL, {"assignee": "me"})) == {mine.reference}
    assert refs(client.get(URL, {"assignee": "none"})) == {free.reference, categorised.reference}
    assert refs(client.get(URL, {"assignee": org.users["investigator"].pk})) == {theirs.reference}
    assert refs(client.get(URL, {"overdue": "on"})) == {free.reference}
    assert refs(client.get(URL, {"event_category": category.pk})) == {categorised.reference}


def _any_event_code() -> str:
    from cases.models import Code

    return Code.objects.filter(codelist=CodeList.EVENT_CATEGORY, active=True).first().code


def test_full_text_search_swedish(org, login):
    chef = org.users["chef_a1"]
    hit = make_case(
        org.units["A1"],
        title="Läkemedel gavs vid fel tidpunkt",
        description="Nattpersonalen missade dosen.",
    )
    other = make_case(org.units["A1"], title="Bemötande i receptionen")
    hidden = make_case(org.units["B1"], title="Läkemedel i B1")
    client = login(chef)
    # Swedish stemming: "doserna" finds "dosen"; case does not matter.
    assert refs(client.get(URL, {"q": "LÄKEMEDEL"})) == {hit.reference}
    assert refs(client.get(URL, {"q": "doserna"})) == {hit.reference}
    assert refs(client.get(URL, {"q": "bemötande -läkemedel"})) == {other.reference}
    assert refs(client.get(URL, {"q": hit.reference})) == {hit.reference}
    assert hidden.reference not in refs(client.get(URL, {"q": "läkemedel"}))
    # Odd input never errors (websearch syntax).
    assert client.get(URL, {"q": '"( & | !'}).status_code == 200


def test_search_uses_full_text_not_ilike(org, login):
    client = login(org.users["chef_a1"])
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL, {"q": "läkemedel"})
    case_sql = [q["sql"] for q in ctx.captured_queries if '"cases_case"."reference"' in q["sql"]]
    # (The visibility rule's unit-path prefix is a LIKE 'path%'; the text is never LIKE-matched.)
    assert case_sql and all(
        "ILIKE" not in sql.upper() and "%läkemedel" not in sql for sql in case_sql
    )
    assert any("websearch_to_tsquery" in sql for sql in case_sql)


# --- htmx ----------------------------------------------------------------------------------------


def test_htmx_request_gets_only_the_results(org, login, spread):
    spread()
    client = login(org.users["chef_a1"])
    partial = client.get(URL, {"kind": "complaint"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'id="inbox-bulk"' in html and "<html" not in html and "Uppföljningar" not in html
    restore = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()
    full = client.get(URL).content.decode()
    assert 'hx-get="/inkorg/"' in full and 'hx-push-url="true"' in full


# --- keyset pagination ---------------------------------------------------------------------------


def _walk(qs, sort, size):
    """Follow next links to the end, then previous links back; return both orders."""
    forward, pages = [], []
    page = inbox_page(qs, sort=sort, size=size)
    while True:
        pages.append([c.pk for c in page.rows])
        forward += [c.pk for c in page.rows]
        if not page.next_cursor:
            break
        page = inbox_page(qs, sort=sort, after=page.next_cursor, size=size)
    backward = []
    while page.prev_cursor:
        page = inbox_page(qs, sort=sort, before=page.prev_cursor, size=size)
        backward = [c.pk for c in page.rows] + backward
    return forward, pages, backward


@pytest.mark.parametrize("sort", ["newest", "overdue"])
def test_keyset_paging_returns_every_row_exactly_once(org, sort):
    now = timezone.now()
    tie = now - timedelta(days=1)
    made = [
        make_case(
            org.units["A1"],
            title=f"Ärende {i}",
            received_at=tie if i % 3 == 0 else now - timedelta(hours=i),
        )
        for i in range(17)
    ]
    # Some cases without a deadline: the "overdue" order puts them last.
    Case.objects.filter(pk__in=[c.pk for c in made[::4]]).update(due_at=None)
    qs = inbox_cases(org.users["chef_a1"])
    forward, pages, backward = _walk(qs, sort, size=4)
    assert sorted(forward) == sorted(c.pk for c in made)
    assert len(forward) == len(set(forward)) == 17
    assert [len(p) for p in pages] == [4, 4, 4, 4, 1]
    assert backward == forward[: len(backward)] and len(backward) == 16
    expected = (
        list(qs.order_by("-received_at", "-id").values_list("pk", flat=True))
        if sort == "newest"
        else (
            list(
                qs.filter(due_at__isnull=False)
                .order_by("due_at", "id")
                .values_list("pk", flat=True)
            )
            + list(
                qs.filter(due_at__isnull=True)
                .order_by("-received_at", "-id")
                .values_list("pk", flat=True)
            )
        )
    )
    assert forward == expected


def test_paging_links_keep_filters(org, login):
    for i in range(30):
        make_case(org.units["A1"], "deviation", title=f"Avvikelse {i}")
    make_case(org.units["A1"], "complaint", title="Klagomål")
    client = login(org.users["chef_a1"])
    first = client.get(URL, {"kind": "deviation", "antal": 25})
    assert len(first.context["page"].rows) == 25
    next_query = first.context["next_query"]
    assert "kind=deviation" in next_query and "antal=25" in next_query and "efter=" in next_query
    second = client.get(URL + "?" + next_query)
    assert len(second.context["page"].rows) == 5
    assert not refs(first) & refs(second)
    assert (
        "fore=" in second.context["prev_query"] and "kind=deviation" in second.context["prev_query"]
    )
    back = client.get(URL + "?" + second.context["prev_query"])
    assert refs(back) == refs(first)
    assert client.get(URL, {"efter": "inte-en-markör"}).status_code == 200


def test_no_offset_in_the_page_query(org, login, spread):
    spread()
    client = login(org.users["quality"])
    first = client.get(URL, {"antal": 25})
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL + "?" + (first.context["next_query"] or "efter=x"))
    assert not any("OFFSET" in q["sql"] for q in ctx.captured_queries)


# --- constant number of queries -----------------------------------------------------------------


def _count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_rows(org, login):
    chef = org.users["chef_a1"]
    people = [UserFactory() for _ in range(3)]
    client = login(chef)

    def add(n):
        for i in range(n):
            case = make_case(
                org.units["A1"], ["complaint", "deviation", "lexsarah"][i % 3], title=f"Ärende {i}"
            )
            if i % 2:
                case_assign(case=case, assignee=people[i % 3], actor=chef)

    add(10)
    ten = _count_queries(client, {"antal": 100})
    ten_search = _count_queries(client, {"antal": 100, "q": "ärende"})
    add(90)
    hundred = _count_queries(client, {"antal": 100})
    assert len(client.get(URL, {"antal": 100}).context["page"].rows) == 100
    assert hundred == ten
    assert _count_queries(client, {"antal": 100, "q": "ärende"}) == ten_search
    # The page, its total, its filters and bulk choices, the access-log row of the list (2
    # queries) and whether the chef routes cases (issue 18: one query; the "Att fördela" queue).
    assert ten <= 19
