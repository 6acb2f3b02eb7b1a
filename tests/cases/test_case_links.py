"""The case page's "Kopplade ärenden": a linked case the reader may not open is never named
(no reference, no title, no link reason), only counted; a visible one is shown with its link.
The number of queries does not depend on the number of links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import LinkKind
from cases.selectors.links import case_links_visible
from cases.services.cases import case_update
from cases.services.parts import case_link
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _protect(case, actor):
    return case_update(
        case=case,
        expected_version=case.version,
        data={"skyddad": True},
        actor=actor,
        reason="Skyddade personuppgifter",
    )


@pytest.fixture
def lineage(org):
    """A deviation in A1 that led to a visible A1 case and to a B1 case, and that came from a
    protected (skyddad) A1 complaint."""
    quality = org.users["quality"]
    source = make_case(org.units["A1"], "deviation", actor=quality, title="Fallolycka i A1")
    seen = make_case(org.units["A1"], "lexsarah", actor=quality, title="Synlig följd")
    foreign = make_case(org.units["B1"], "deviation", actor=quality, title="Hemlig B-händelse")
    origin = _protect(
        make_case(org.units["A1"], "complaint", actor=quality, title="Skyddat ursprung"), quality
    )
    case_link(
        source=source,
        target=seen,
        kind=LinkKind.ESCALATED,
        actor=quality,
        reason="Allvarligt, rapporteras",
    )
    case_link(
        source=source,
        target=foreign,
        kind=LinkKind.RELATED,
        actor=quality,
        reason="Samma brukare på B-sidan",
    )
    case_link(
        source=origin,
        target=source,
        kind=LinkKind.ESCALATED,
        actor=quality,
        reason="Klagomål om ett skyddat boende",
    )
    return source, seen, foreign, origin


def test_chef_sees_visible_links_and_only_a_count_of_the_rest(org, login, lineage):
    source, seen, foreign, origin = lineage
    body = login(org.users["chef_a1"]).get(source.get_absolute_url()).content.decode()
    assert f'href="{seen.get_absolute_url()}">{seen.reference}</a>' in body
    assert "Allvarligt, rapporteras" in body
    for hidden in (foreign, origin):
        assert hidden.reference not in body and hidden.title not in body
    assert "Samma brukare på B-sidan" not in body and "skyddat boende" not in body
    assert "2 kopplade ärenden som du inte har behörighet att se." in body


def test_quality_sees_the_other_department_but_not_the_protected_origin(org, login, lineage):
    source, seen, foreign, origin = lineage
    body = login(org.users["quality"]).get(source.get_absolute_url()).content.decode()
    assert f'href="{foreign.get_absolute_url()}">{foreign.reference}</a>' in body
    assert seen.reference in body
    assert origin.reference not in body and origin.title not in body
    assert "1 kopplat ärende som du inte har behörighet att se." in body


def test_incoming_link_from_a_visible_case_is_shown_on_the_target(org, login, lineage):
    source, seen, foreign, origin = lineage
    body = login(org.users["chef_a1"]).get(seen.get_absolute_url()).content.decode()
    assert f'Härstammar från: <a href="{source.get_absolute_url()}">{source.reference}</a>' in body
    assert "som du inte har behörighet att se" not in body


def test_a_case_without_links_has_no_links_section(org, login, lineage):
    lonely = make_case(org.units["A1"], "deviation", title="Ensam")
    body = login(org.users["chef_a1"]).get(lonely.get_absolute_url()).content.decode()
    assert "Kopplade ärenden" not in body


def test_selector_splits_by_direction(org, lineage):
    source, seen, foreign, origin = lineage
    links = case_links_visible(org.users["chef_a1"], source)
    assert [link.target for link in links.outgoing] == [seen]
    assert links.incoming == [] and links.hidden == 2
    links = case_links_visible(org.users["quality"], source)
    assert {link.target for link in links.outgoing} == {seen, foreign} and links.hidden == 1


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_case_page_queries_do_not_grow_with_links(org, login):
    quality = org.users["quality"]
    source = make_case(org.units["A1"], "deviation", actor=quality, title="Många kopplingar")
    first = make_case(org.units["A1"], "deviation", actor=quality)
    case_link(source=source, target=first, kind=LinkKind.RELATED, actor=quality)
    client = login(org.users["chef_a1"])
    client.get(source.get_absolute_url())  # warm the session
    one = _queries(client, source.get_absolute_url())
    for unit in ("A1", "A1", "B1", "B1", "A2"):
        other = make_case(org.units[unit], "deviation", actor=quality)
        case_link(source=source, target=other, kind=LinkKind.RELATED, actor=quality)
        case_link(source=other, target=source, kind=LinkKind.ESCALATED, actor=quality)
    many = _queries(client, source.get_absolute_url())
    assert many == one
