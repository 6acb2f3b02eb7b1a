"""The inbox as issue 18 point 2 asks: search by a part of the reference and by title words, a
status filter that follows the type (never a silent empty list), filters restored from the URL,
unique ids, a total count, and a fixed number of queries whatever the filters."""

import re
from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.selectors.inbox import inbox_cases, inbox_total
from tests.factories import make_case

URL = "/inkorg/"
TOTAL = '<strong class="inbox-total">{}</strong>'


def refs(response) -> set[str]:
    return {c.reference for c in response.context["page"].rows}


def test_search_finds_a_part_of_the_reference(org, login):
    chef = org.users["chef_a1"]
    cases = [make_case(org.units["A1"], "deviation", title=f"Avvikelse {i}") for i in range(12)]
    hidden = make_case(org.units["B1"], "deviation", title="I B1")
    client = login(chef)
    target = cases[10]
    number = target.reference.rsplit("-", 1)[1]  # "0011" of AV-2026-0011
    assert refs(client.get(URL, {"q": number})) == {target.reference}
    # Without the type prefix, and in lower case with it.
    year_and_number = target.reference.split("-", 1)[1]
    assert refs(client.get(URL, {"q": year_and_number})) == {target.reference}
    assert refs(client.get(URL, {"q": target.reference.lower()})) == {target.reference}
    # A shorter part finds every reference it is part of; never one outside the user's scope.
    prefix = target.reference[:-1]  # AV-2026-001 → 0010 and 0011 … 0013 (B1's is hidden)
    found = refs(client.get(URL, {"q": prefix}))
    assert target.reference in found and hidden.reference not in found
    assert found == {c.reference for c in cases if c.reference.startswith(prefix)}


def test_search_finds_title_words(org, login):
    chef = org.users["chef_a1"]
    hit = make_case(org.units["A1"], title="Läkemedel gavs vid fel tidpunkt")
    other = make_case(org.units["A1"], title="Bemötande i receptionen")
    client = login(chef)
    assert refs(client.get(URL, {"q": "läkemedel"})) == {hit.reference}
    assert refs(client.get(URL, {"q": "fel tidpunkten"})) == {hit.reference}  # stemming
    assert refs(client.get(URL, {"q": "Bemötande"})) == {other.reference}
    assert refs(client.get(URL, {"q": "bemötande läkemedel"})) == set()
    assert refs(client.get(URL, {"q": "bemötande OR läkemedel"})) == {
        hit.reference,
        other.reference,
    }
    for odd in ("'", "a:*", "&|!", "1", "AV-", "-"):
        assert client.get(URL, {"q": odd}).status_code == 200


def test_status_filter_follows_the_type(org, login, spread):
    made = spread()
    client = login(org.users["chef_a"])
    html = client.get(URL).content.decode()
    select = re.search(r'<select name="status".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert [g for g, _ in groups] == ["Klagomål och synpunkter", "Kvalitetsavvikelse", "Lex Sarah"]
    for _group, options in groups:
        labels = re.findall(r">([^<]+)</option>", options)
        assert len(labels) == len(set(labels))  # no status twice within a type
    # A status of the chosen type filters as usual.
    assert refs(client.get(URL, {"kind": "lexsarah", "status": "lexsarah:rapporterad"})) == {
        made[(u, "lexsarah")].reference for u in ("A1", "A2")
    }
    # A status of another type is not a silent 0: the list keeps the type's cases and says why.
    response = client.get(URL, {"kind": "lexsarah", "status": "deviation:rapporterad"})
    assert refs(response) == {made[(u, "lexsarah")].reference for u in ("A1", "A2")}
    text = response.content.decode()
    assert "finns inte för Lex Sarah" in text and "Kvalitetsavvikelse" in text
    partial = client.get(
        URL, {"kind": "lexsarah", "status": "deviation:rapporterad"}, HTTP_HX_REQUEST="true"
    )
    assert "finns inte för Lex Sarah" in partial.content.decode()


def test_filters_are_rendered_from_the_url(org, login, spread):
    spread()
    client = login(org.users["chef_a"])
    unit = org.units["A2"]
    html = client.get(
        URL,
        {"kind": "deviation", "status": "deviation:rapporterad", "unit": unit.pk, "q": "avvik"},
    ).content.decode()
    assert '<option value="deviation" selected>' in html
    assert '<option value="deviation:rapporterad" selected>' in html
    assert f'<option value="{unit.pk}" selected>' in html
    assert re.search(r'<input[^>]*name="q"[^>]*value="avvik"', html)
    # No htmx snapshot of the page: Back asks the server, which renders from the URL.
    assert 'hx-history="false"' in html and 'hx-push-url="true"' in html
    assert "{#" not in html and "{% comment" not in html
    # The phone's filter button says how many filters are in use (type, status, unit).
    assert "Fler filter" in html and "(3 valda)" in html


def test_ids_are_unique_on_the_page(org, login, spread):
    spread()
    html = login(org.users["chef_a1"]).get(URL).content.decode()
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == []
    assert 'id="id_assignee"' in html and 'id="bulk_assignee"' in html
    assert 'for="bulk_assignee"' in html and 'for="id_assignee"' in html


def test_total_count(org, login, spread):
    spread()
    client = login(org.users["quality"])
    response = client.get(URL, {"antal": 25})
    assert response.context["total"].count == 9
    assert TOTAL.format("9 ärenden") in response.content.decode()
    one = client.get(URL, {"kind": "lexsarah", "unit": org.units["B1"].pk})
    assert TOTAL.format("1 ärende") + ", 1 visas på sidan." in one.content.decode()
    none = client.get(URL, {"q": "finnsinte"})
    assert TOTAL.format("0 ärenden") + "." in none.content.decode()
    # Past the cap the count stops and says so rather than counting every case.
    capped = inbox_total(inbox_cases(org.users["quality"]), cap=4)
    assert capped.capped and capped.label == "Fler än 4 ärenden"
    big = inbox_total(inbox_cases(org.users["quality"]), cap=1000)
    assert big.label == "9 ärenden" and not big.capped


def test_total_of_a_single_page_is_its_rows_and_costs_no_count(org, login, spread):
    """When every case fits on the page the total is the rows shown; with a second page the
    count query runs, and both say the same 30."""
    spread()
    for i in range(21):
        make_case(org.units["A1"], "deviation", title=f"Fler {i}")
    client = login(org.users["quality"])
    one_page, two_pages = _queries(client, {"antal": 50}), _queries(client, {"antal": 25})
    assert one_page == two_pages - 1
    assert TOTAL.format("30 ärenden") in client.get(URL, {"antal": 50}).content.decode()
    assert TOTAL.format("30 ärenden") in client.get(URL, {"antal": 25}).content.decode()


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL, params).status_code == 200
    return len(ctx.captured_queries)


def test_queries_constant_in_rows_for_every_filter(org, login):
    chef = org.users["chef_a"]
    client = login(chef)
    shapes = [
        {},
        {"sort": "overdue"},
        {"q": "ärende"},
        {"q": "2026-00"},
        {"kind": "deviation", "unit": org.units["A1"].pk, "overdue": "on"},
    ]

    def add(n):
        for i in range(n):
            make_case(org.units["A1" if i % 2 else "A2"], "deviation", title=f"Ärende {i}")

    add(3)
    few = [_queries(client, {"antal": 100, **p}) for p in shapes]
    add(60)
    many = [_queries(client, {"antal": 100, **p}) for p in shapes]
    assert few == many
    # "most overdue" crosses from the deadline segment (2 page queries); the chef of an area also
    # sees the "Att fördela" queue (issue 18: whether they route, the queue and its log row).
    assert max(many) <= 21
