"""The run page names only the deviations (and loggkontroll rows) the reader may open; the rest
are counted. An arbetsutskott member reads the run but no deviation. Queries stay flat."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import AccessLog
from cases.services.cases import case_update
from selfcontrol import services
from tests.factories import UserFactory, make_case
from tests.selfcontrol.factories import make_plan

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def run(org):
    chef = org.users["chef_a1"]
    plan = make_plan(chef, org.units["A1"], area="Aktgranskning", year=2026)
    return services.run_start(run=plan.runs.get(), actor=chef)


def _deviation(run, actor, title, *, protect=False):
    case = services.run_deviation_create(
        run=run, title=title, description="Iakttagelse", actor=actor
    )
    if protect:
        case = case_update(
            case=case,
            expected_version=case.version,
            data={"skyddad": True},
            actor=actor,
            reason="Skyddade personuppgifter",
        )
    return case


def test_reader_without_case_access_sees_a_count_not_the_deviation(org, login, run):
    case = _deviation(run, org.users["chef_a1"], "Journal saknas för brukare")
    body = login(org.users["au"]).get(run.get_absolute_url()).content.decode()
    assert case.reference not in body and case.title not in body
    assert "1 kopplat ärende som du inte har behörighet att se." in body
    assert "Inga avvikelser registrerade." not in body


def test_chef_sees_visible_deviations_with_links_and_counts_protected_ones(org, login, run):
    chef = org.users["chef_a1"]
    seen = _deviation(run, chef, "Journal saknas för brukare")
    protected = _deviation(run, chef, "Skyddad adress syntes", protect=True)
    body = login(chef).get(run.get_absolute_url()).content.decode()
    assert f'<a href="{seen.get_absolute_url()}">{seen.reference}</a> {seen.title}' in body
    assert protected.reference not in body and protected.title not in body
    assert "1 kopplat ärende som du inte har behörighet att se." in body


def test_run_without_deviations_says_so(org, login, run):
    body = login(org.users["au"]).get(run.get_absolute_url()).content.decode()
    assert "Inga avvikelser registrerade." in body
    assert "som du inte har behörighet att se" not in body


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_run_page_queries_do_not_grow_with_linked_deviations(org, login, run):
    chef = org.users["chef_a1"]
    _deviation(run, chef, "Första")
    client = login(chef)
    client.get(run.get_absolute_url())
    one = _queries(client, run.get_absolute_url())
    for i in range(4):
        _deviation(run, chef, f"Fler {i}", protect=i % 2 == 0)
    assert _queries(client, run.get_absolute_url()) == one


@pytest.fixture
def log_run(org):
    chef = org.users["chef_a1"]
    plan = make_plan(
        chef,
        org.units["A1"],
        area="Loggkontroll",
        method_code="loggkontroll",
        frequency="yearly",
        year=2025,
        sample_size=2,
    )
    reader = UserFactory(username="nyfiken", first_name="Nils", last_name="Nyfiken")
    case = make_case(org.units["A1"], "deviation", title="Läst ärende")
    for _ in range(2):
        row = AccessLog.objects.create(
            user=reader,
            action="read",
            case=case,
            case_reference=case.reference,
            unit=org.units["A1"],
        )
        AccessLog.objects.filter(pk=row.pk).update(at=datetime(2025, 3, 1, 12, tzinfo=STHLM))
    run = services.run_start(run=plan.runs.get(), actor=chef)
    services.run_draw_log_sample(run=run, actor=chef, seed=7)
    return run, case


def test_loggkontroll_rows_are_shown_to_log_reviewers_only(org, login, log_run):
    run, case = log_run
    body = login(org.users["chef_a1"]).get(run.get_absolute_url()).content.decode()
    assert "Nils Nyfiken" in body and case.reference in body
    assert "Urvalet (2 poster)" in body
    body = login(org.users["au"]).get(run.get_absolute_url()).content.decode()
    assert "Nils Nyfiken" not in body and case.reference not in body
    assert "2 loggposter i urvalet som du inte har behörighet att se." in body
    assert "Urvalet (2 poster)" in body
