"""Routing (fördelning, issue 18): a case that came in above the sections reaches a section.

The test organisation (tests/conftest.py `org`): avdelning A over sections A1 and A2, chef_a
is sektionschef on A (the area's chef), chef_a1 on A1. A registrator on the förvaltning is
added here. A case on A waits for routing; a case on A1 does not."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from cases.actions import ActionRefused
from cases.complaints.services import complaint_submit_public
from cases.models import Case, CaseRouting, Role
from cases.selectors import cases_visible_to
from cases.selectors.routing import routing_queue
from cases.selectors.visibility import resolved_scopes
from cases.services.errors import ServiceError
from cases.services.routing import case_route, routing_notification_send
from tests.factories import UserFactory, make_case, member

pytestmark = pytest.mark.django_db
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def registrator(org):
    user = UserFactory(username="registrator")
    member(user, org.units["ASF"], Role.REGISTRATOR)
    return user


@pytest.fixture
def celery_eager():
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


def _incoming(unit, **kwargs):
    kwargs.setdefault("complaint_type", "klagomal")
    kwargs.setdefault("description", "Ingen har hört av sig om mitt ärende.")
    kwargs.setdefault("sender_email", "boende@example.se")
    submission = complaint_submit_public(unit=unit, **kwargs)
    return Case.objects.select_related("unit").get(pk=submission.complaint.pk)


# --- Who sees and who routes -------------------------------------------------------------------


def test_registrator_sees_only_cases_waiting_for_routing(org, registrator):
    waiting = _incoming(org.units["A"])
    in_section = _incoming(org.units["A1"])
    visible = set(cases_visible_to(registrator).values_list("pk", flat=True))
    assert waiting.pk in visible
    assert in_section.pk not in visible


def test_section_chef_does_not_see_the_area_case_but_the_area_chef_does(org):
    waiting = _incoming(org.units["A"])
    assert not cases_visible_to(org.users["chef_a1"]).filter(pk=waiting.pk).exists()
    assert cases_visible_to(org.users["chef_a"]).filter(pk=waiting.pk).exists()


def test_route_by_registrator_moves_recomputes_deadline_notifies_and_records(
    org, registrator, clock, celery_eager, django_capture_on_commit_callbacks
):
    case = _incoming(org.units["A"])
    old_due = case.due_at
    clock.move_to(datetime(2026, 11, 18, 10, 0, tzinfo=STOCKHOLM))  # two days later
    with django_capture_on_commit_callbacks(execute=True):
        routed = case_route(
            case=case, unit=org.units["A1"], actor=registrator, reason="Gäller sektion A1"
        )
    assert routed.unit == org.units["A1"]
    # The acknowledgement deadline (2 working days) now runs from the routing.
    assert routed.due_at > old_due
    assert routed.due_at.astimezone(STOCKHOLM).date().isoformat() == "2026-11-20"
    entry = routed.history.latest()
    assert entry.history_user == registrator
    assert "Gäller sektion A1" in entry.history_change_reason
    assert "Sektion A1" in entry.history_change_reason
    routing = CaseRouting.objects.get(case=case)
    assert (routing.from_unit, routing.to_unit) == (org.units["A"], org.units["A1"])
    assert routing.notified_at is not None
    (message,) = [m for m in mail.outbox if case.reference in m.subject]
    assert message.to == [org.users["chef_a1"].email]
    assert "Ingen har hört av sig" not in message.body  # no case content by e-mail
    # Idempotent: a second run sends nothing.
    assert routing_notification_send(routing_id=routing.pk) is False
    # Now the section's chef sees it; the registrator no longer does.
    assert cases_visible_to(org.users["chef_a1"]).filter(pk=case.pk).exists()
    assert not cases_visible_to(registrator).filter(pk=case.pk).exists()


def test_area_chef_may_route_within_the_area(org):
    case = _incoming(org.units["A"])
    routed = case_route(case=case, unit=org.units["A2"], actor=org.users["chef_a"], reason="A2")
    assert routed.unit == org.units["A2"]


def test_area_chef_may_not_route_outside_the_area(org):
    case = _incoming(org.units["A"])
    with pytest.raises(ServiceError, match="inom ditt ansvarsområde"):
        case_route(case=case, unit=org.units["B1"], actor=org.users["chef_a"], reason="B1")
    assert Case.objects.get(pk=case.pk).unit == org.units["A"]


def test_registrator_may_route_to_another_area(org, registrator):
    """The resident chose the wrong area: the registrator over the förvaltning corrects it."""
    case = _incoming(org.units["A"])
    assert case_route(case=case, unit=org.units["B1"], actor=registrator, reason="Fel område")


@pytest.mark.parametrize("who", ["quality", "au", "staff_a1", "admin", "investigator"])
def test_others_may_not_route(org, who):
    case = _incoming(org.units["A"])
    with pytest.raises(ActionRefused):
        case_route(case=case, unit=org.units["A1"], actor=org.users[who], reason="x")


def test_route_refuses_a_unit_with_units_below_it_and_an_empty_reason(org, registrator):
    case = _incoming(org.units["ASF"])
    with pytest.raises(ServiceError, match="inom ditt ansvarsområde"):
        case_route(case=case, unit=org.units["A"], actor=registrator, reason="Avdelning")
    with pytest.raises(ServiceError, match="Skriv varför"):
        case_route(case=case, unit=org.units["A1"], actor=registrator, reason="  ")
    assert not CaseRouting.objects.exists()


def test_a_routed_case_is_not_routed_again(org):
    case = _incoming(org.units["A"])
    case_route(case=case, unit=org.units["A1"], actor=org.users["chef_a"], reason="A1")
    with pytest.raises(ServiceError, match="redan fördelat"):
        case_route(case=case, unit=org.units["A2"], actor=org.users["chef_a"], reason="A2")


# --- The queue -------------------------------------------------------------------------------


def test_queue_lists_waiting_cases_with_a_one_working_day_deadline(org, registrator, clock):
    # Friday afternoon: due at the end of Monday (the next working day).
    clock.move_to(datetime(2026, 11, 13, 15, 0, tzinfo=STOCKHOLM))
    friday = _incoming(org.units["A"])
    clock.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    monday = _incoming(org.units["ASF"])
    _incoming(org.units["A1"])  # already in a section: not in the queue
    rows, total = routing_queue(registrator)
    assert total == 2
    assert [r.case.pk for r in rows] == [friday.pk, monday.pk]  # oldest first
    assert rows[0].due_at.astimezone(STOCKHOLM).date().isoformat() == "2026-11-16"
    assert rows[1].due_at.astimezone(STOCKHOLM).date().isoformat() == "2026-11-17"
    clock.move_to(datetime(2026, 11, 17, 8, 0, tzinfo=STOCKHOLM))
    rows, _total = routing_queue(registrator)
    assert [r.overdue for r in rows] == [True, False]


def test_queue_queries_do_not_grow_with_its_rows(org, registrator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _incoming(org.units["A"])
    with CaptureQueriesContext(connection) as few:
        routing_queue(registrator)
    for _ in range(6):
        _incoming(org.units["A"])
    with CaptureQueriesContext(connection) as many:
        rows, _total = routing_queue(registrator)
    assert len(rows) == 7
    # The router's units, the queue, its deadline rule: three, however long the queue.
    assert len(many.captured_queries) == len(few.captured_queries) <= 3


def test_a_shortened_queue_is_the_oldest_with_the_whole_queues_total_in_one_query(
    org, registrator, clock
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    waiting = []
    for hour in range(8, 13):
        clock.move_to(datetime(2026, 11, 16, hour, 0, tzinfo=STOCKHOLM))
        waiting.append(_incoming(org.units["A"]))
    _incoming(org.units["A1"])  # in a section already: neither shown nor counted
    scopes = resolved_scopes(registrator)
    with CaptureQueriesContext(connection) as ctx:
        rows, total = routing_queue(registrator, limit=2, scopes=scopes)
        shown = [(r.case.reference, r.case.title, r.case.unit.name) for r in rows]
    assert total == 5
    assert [r.case.pk for r in rows] == [waiting[0].pk, waiting[1].pk]
    assert shown[0] == (waiting[0].reference, waiting[0].title, org.units["A"].name)
    # The rows with the total, and the deadline rule: no COUNT of its own, no read per row.
    assert len(ctx.captured_queries) == 2


def test_queue_of_an_area_chef_is_their_area_and_section_chefs_have_none(org):
    on_a = _incoming(org.units["A"])
    _incoming(org.units["ASF"])  # above the area chef
    rows, _total = routing_queue(org.users["chef_a"])
    assert [r.case.pk for r in rows] == [on_a.pk]
    assert routing_queue(org.users["chef_a1"]) == ([], 0)


def test_inbox_shows_the_queue_first_with_overdue_marking(org, registrator, login, clock):
    clock.move_to(datetime(2026, 11, 12, 9, 0, tzinfo=STOCKHOLM))
    late = _incoming(org.units["A"])
    clock.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    response = login(registrator).get("/inkorg/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="att-fordela"' in page
    queue = page[
        page.index('id="att-fordela"') : page.index("</section>", page.index("att-fordela"))
    ]
    assert late.reference in queue
    assert "Försenad" in queue
    assert page.index('id="att-fordela"') < page.index('id="inbox-filters"')


def test_the_area_chefs_inbox_logs_the_queue_and_the_list_in_one_row(org, login):
    """Every case title the page shows is in its one access-log row: the queue's cases beside
    the list's, as for any list page (one row per view)."""
    from cases.models import AccessLog

    waiting = _incoming(org.units["A"])
    in_section = make_case(org.units["A1"], title="I sektionen")
    AccessLog.objects.all().delete()
    assert login(org.users["chef_a"]).get("/inkorg/").status_code == 200
    (row,) = AccessLog.objects.filter(user=org.users["chef_a"], action="list")
    shown = {pk for pk, _label in row.shown["cases.case"]}
    assert {waiting.pk, in_section.pk} <= shown
    assert "Att fördela" in row.detail
    assert row.unit_id == org.units["A"].pk


def test_inbox_of_a_section_chef_has_no_queue(org, login):
    _incoming(org.units["A"])
    page = login(org.users["chef_a1"]).get("/inkorg/").content.decode()
    assert "att-fordela" not in page


# --- The action on the case page -----------------------------------------------------------


def test_case_page_offers_fordela_to_the_registrator_only_where_it_applies(org, registrator, login):
    case = _incoming(org.units["A"])
    page = login(registrator).get(case.get_absolute_url()).content.decode()
    assert 'data-action="route"' in page
    assert "Sektion A1" in page and "Sektion B1" in page
    quality_page = login(org.users["quality"]).get(case.get_absolute_url()).content.decode()
    assert 'data-action="route"' not in quality_page


def test_route_view_allowed(org, registrator, login):
    case = _incoming(org.units["A"])
    response = login(registrator).post(
        f"/arenden/{case.reference}/fordela/",
        {"route-unit": org.units["A1"].pk, "route-reason": "Gäller A1"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/inkorg/#att-fordela"  # the registrator no longer sees it
    assert Case.objects.get(pk=case.pk).unit == org.units["A1"]


def test_route_view_by_area_chef_returns_to_the_case(org, login):
    case = _incoming(org.units["A"])
    response = login(org.users["chef_a"]).post(
        f"/arenden/{case.reference}/fordela/",
        {"route-unit": org.units["A2"].pk, "route-reason": "Gäller A2"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(case.get_absolute_url())


def test_route_view_forbidden_for_quality(org, login):
    case = _incoming(org.units["A"])
    response = login(org.users["quality"]).post(
        f"/arenden/{case.reference}/fordela/",
        {"route-unit": org.units["A1"].pk, "route-reason": "x"},
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).unit == org.units["A"]


@pytest.mark.parametrize("who", ["chef_b1", "chef_a1", "staff_a1", "admin"])
def test_route_view_invisible_is_404(org, login, who):
    case = _incoming(org.units["A"])
    response = login(org.users[who]).post(
        f"/arenden/{case.reference}/fordela/",
        {"route-unit": org.units["A1"].pk, "route-reason": "x"},
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).unit == org.units["A"]


def test_route_view_bad_input_swedish_error_keeps_reason(org, registrator, login):
    case = _incoming(org.units["A"])
    response = login(registrator).post(
        f"/arenden/{case.reference}/fordela/",
        {"route-unit": org.units["A"].pk, "route-reason": "Min motivering"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Välj en sektion i listan." in page
    assert "Min motivering" in page
    assert Case.objects.get(pk=case.pk).unit == org.units["A"]


def test_start_page_counts_the_queue_for_routers_only(org, registrator, login, clock):
    clock.move_to(datetime(2026, 11, 12, 9, 0, tzinfo=STOCKHOLM))
    _incoming(org.units["A"])
    clock.move_to(datetime(2026, 11, 16, 9, 0, tzinfo=STOCKHOLM))
    _incoming(org.units["A"])
    page = login(registrator).get("/").content.decode()
    assert "2 ärenden väntar på att fördelas" in page
    assert "1 försenat" in page
    assert "väntar på att fördelas" not in login(org.users["chef_a1"]).get("/").content.decode()


def test_inbox_shows_the_oldest_of_a_long_queue_and_says_how_many_wait(
    org, registrator, login, monkeypatch
):
    monkeypatch.setattr("cases.views.inbox.QUEUE_SHOWN", 2)
    first, second, third = (_incoming(org.units["A"]) for _ in range(3))
    page = login(registrator).get("/inkorg/").content.decode()
    queue = page[
        page.index('id="att-fordela"') : page.index("</section>", page.index("att-fordela"))
    ]
    assert queue.count("data-routing-row") == 2
    assert first.reference in queue and second.reference in queue
    assert third.reference not in queue
    assert "Visar de 2 äldsta av 3." in queue
    # The third is not lost: the inbox's own list below the queue has it.
    assert third.reference in page[page.index('id="inbox-filters"') :]


def test_routing_from_resolved_scopes_agrees_with_routes_cases_for_every_user(org, registrator):
    """The start page reads "who routes" from the scopes it has already resolved; it must say
    what `routes_cases` says, for every role of the test organisation."""
    from cases.selectors.routing import routes_cases
    from cases.selectors.visibility import resolved_scopes

    users = {**org.users, "registrator": registrator}
    answers = {name: resolved_scopes(u).routes_cases for name, u in users.items()}
    assert answers == {name: routes_cases(u) for name, u in users.items()}
    assert answers["registrator"] and not answers["chef_a1"] and answers["chef_a"]
