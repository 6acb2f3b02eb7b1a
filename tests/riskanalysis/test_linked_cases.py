"""The analysis page names only the cases the reader may open: the deviations it was started
from and those created from each risk. The rest are counted. Queries stay flat."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from riskanalysis.services import analysis_create_from_cases, risk_add, risk_deviation_create
from tests.factories import make_case
from tests.riskanalysis.factories import make_analysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(org):
    """An analysis over A1 and B1 (so chef_a1 reads it) with one risk."""
    quality = org.users["quality"]
    return make_analysis(
        quality, [org.units["A1"], org.units["B1"]], title="Läkemedel", risks=[("Fel dos", 3, 4)]
    )


def _from_risk(analysis, unit, title, actor):
    return risk_deviation_create(
        risk=analysis.risks.get(),
        unit=unit,
        title=title,
        description="Från riskanalysen",
        actor=actor,
    )


def test_risk_deviations_outside_the_readers_scope_are_counted_not_named(org, login, analysis):
    quality = org.users["quality"]
    mine = _from_risk(analysis, org.units["A1"], "Dosering A1", quality)
    theirs = _from_risk(analysis, org.units["B1"], "Dosering B1", quality)
    body = login(org.users["chef_a1"]).get(analysis.get_absolute_url()).content.decode()
    assert f'<a href="{mine.get_absolute_url()}">{mine.reference}</a>' in body
    assert theirs.reference not in body and theirs.title not in body
    assert "1 kopplat ärende som du inte har behörighet att se." in body


def test_arbetsutskott_reads_the_analysis_but_no_deviation(org, login, analysis):
    quality = org.users["quality"]
    cases = [_from_risk(analysis, org.units[u], f"Dosering {u}", quality) for u in ("A1", "B1")]
    body = login(org.users["au"]).get(analysis.get_absolute_url()).content.decode()
    for case in cases:
        assert case.reference not in body and case.title not in body
    assert "2 kopplade ärenden som du inte har behörighet att se." in body


def test_source_cases_outside_scope_are_counted(org, login):
    quality = org.users["quality"]
    cases = [
        make_case(org.units["A1"], kind_="deviation", title="Källa A1"),
        make_case(org.units["B1"], kind_="deviation", title="Källa B1"),
    ]
    analysis = analysis_create_from_cases(
        actor=quality,
        cases=cases,
        title="Mönster",
        units=[org.units["A1"], org.units["B1"]],
        analysed_on=date(2025, 6, 1),
    )
    body = login(org.users["chef_a1"]).get(analysis.get_absolute_url()).content.decode()
    assert f'<a href="{cases[0].get_absolute_url()}">{cases[0].reference}</a>' in body
    assert cases[1].reference not in body and "Källa B1" not in body
    assert "1 kopplat ärende som du inte har behörighet att se." in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_analysis_page_queries_do_not_grow_with_links(org, login, analysis):
    quality = org.users["quality"]
    _from_risk(analysis, org.units["A1"], "Första", quality)
    client = login(org.users["chef_a1"])
    client.get(analysis.get_absolute_url())
    one = _queries(client, analysis.get_absolute_url())
    for i in range(3):
        for unit in ("A1", "B1"):
            _from_risk(analysis, org.units[unit], f"Från {i} {unit}", quality)
    assert _queries(client, analysis.get_absolute_url()) == one


def test_read_only_page_queries_do_not_grow_with_risks(org, login, analysis):
    """A reader without write access gets no per-risk forms: risks and their links are read in
    a fixed number of queries."""
    quality = org.users["quality"]
    _from_risk(analysis, org.units["A1"], "Första", quality)
    client = login(org.users["au"])
    client.get(analysis.get_absolute_url())
    one = _queries(client, analysis.get_absolute_url())
    for i in range(3):
        risk = risk_add(
            analysis=analysis, description=f"Risk {i}", probability=2, consequence=2, actor=quality
        )
        for unit in ("A1", "B1"):
            risk_deviation_create(
                risk=risk,
                unit=org.units[unit],
                title=f"Från {i} {unit}",
                description="x",
                actor=quality,
            )
    assert _queries(client, analysis.get_absolute_url()) == one
