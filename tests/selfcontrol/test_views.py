"""Self-inspection pages: permission matrix for every view, year plan counts, list queries."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessLog, Case
from selfcontrol import services
from selfcontrol.models import LogSample, SelfControlPlan, SelfControlRun
from tests.factories import UserFactory, make_case
from tests.selfcontrol.factories import make_plan

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")

WRITERS = {"chef_a1", "chef_a", "quality"}
READERS = WRITERS | {"au"}
OUT_OF_SCOPE = {"chef_b1"}
NO_ROLE = {"staff_a1", "investigator", "admin"}
USERS = sorted(READERS | OUT_OF_SCOPE | NO_ROLE) + ["anonymous"]


@pytest.fixture
def objs(org):
    chef = org.users["chef_a1"]
    plan = make_plan(
        chef,
        org.units["A1"],
        area="Loggkontroll",
        method_code="loggkontroll",
        frequency="quarterly",
        year=2025,
        sample_size=2,
    )
    run = services.run_start(run=plan.runs.order_by("period_start").first(), actor=chef)
    case = make_case(org.units["A1"])
    for _ in range(3):
        row = AccessLog.objects.create(
            user=chef, action="read", case=case, case_reference=case.reference, unit=org.units["A1"]
        )
        AccessLog.objects.filter(pk=row.pk).update(at=datetime(2025, 2, 1, 12, tzinfo=STHLM))
    sample = services.run_draw_log_sample(run=run, actor=chef, seed=1)[0]
    return plan, run, sample


def _urls(plan, run, sample):
    r = lambda name, *args: reverse(f"selfcontrol:{name}", args=args)  # noqa: E731
    return {
        "list": ("get", r("list"), False, False),
        "year": ("get", r("year") + "?year=2025", False, False),
        "plan_create": ("get", r("plan_create"), True, False),
        "plan_detail": ("get", r("plan_detail", plan.pk), False, True),
        "plan_edit": ("get", r("plan_edit", plan.pk), True, True),
        "plan_schedule": ("post", r("plan_schedule", plan.pk), True, True),
        "run_detail": ("get", r("run_detail", run.pk), False, True),
        "run_edit": ("get", r("run_edit", run.pk), True, True),
        "run_start": ("post", r("run_start", run.pk), True, True),
        "run_complete": ("post", r("run_complete", run.pk), True, True),
        "run_reopen": ("post", r("run_reopen", run.pk), True, True),
        "run_measure": ("post", r("run_measure", run.pk), True, True),
        "run_deviation": ("post", r("run_deviation", run.pk), True, True),
        "run_draw": ("post", r("run_draw", run.pk), True, True),
        "log_review": ("post", r("log_review", run.pk, sample.pk), True, True),
    }


VIEWS = [
    "list",
    "year",
    "plan_create",
    "plan_detail",
    "plan_edit",
    "plan_schedule",
    "run_detail",
    "run_edit",
    "run_start",
    "run_complete",
    "run_reopen",
    "run_measure",
    "run_deviation",
    "run_draw",
    "log_review",
]
POST_DATA = {
    "plan_schedule": {"year": "2026"},
    "run_measure": {"description": "Påminnelse om behörigheter", "level": "verksamhet"},
    "run_deviation": {"title": "Obehörig läsning", "description": "En läsning utan koppling"},
    "log_review": {"review": "ok"},
}


# With the fixture as it is, a business rule refuses these for a writer: the run page comes
# back with the reason (400) and nothing is written.
RULE_REFUSED = {"run_start", "run_complete", "run_reopen", "run_draw"}


def _expected(username, method, needs_write, is_object, view=""):
    if username == "anonymous":
        return 302
    if username in NO_ROLE:
        return 403
    if needs_write and username not in WRITERS | OUT_OF_SCOPE:
        return 403
    if is_object and username in OUT_OF_SCOPE:
        return 404
    if method == "post" and view in RULE_REFUSED:
        return 400
    return 302 if method == "post" else 200


def _trace():
    return (
        SelfControlPlan.history.count()
        + SelfControlRun.history.count()
        + LogSample.history.count()
        + Case.objects.count()
    )


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("username", USERS)
def test_permission_matrix(org, client, objs, view, username):
    method, url, needs_write, is_object = _urls(*objs)[view]
    if username != "anonymous":
        client.force_login(org.users[username])
    before = _trace()
    response = getattr(client, method)(url, POST_DATA.get(view, {}))
    expected = _expected(username, method, needs_write, is_object, view)
    assert response.status_code == expected, (view, username)
    if method == "post" and expected != 302 or username == "anonymous":
        assert _trace() == before


def test_allowed_posts_take_effect(org, login, objs):
    plan, run, sample = objs
    client = login(org.users["chef_a"])
    client.post(reverse("selfcontrol:log_review", args=[run.pk, sample.pk]), {"review": "ok"})
    assert LogSample.objects.get(pk=sample.pk).review == "ok"
    client.post(
        reverse("selfcontrol:run_deviation", args=[run.pk]),
        {"title": "Obehörig läsning", "description": "x"},
    )
    assert run.linked_cases.get().title == "Obehörig läsning"
    client.post(reverse("selfcontrol:plan_schedule", args=[plan.pk]), {"year": "2026"})
    assert plan.runs.filter(period_start__year=2026).count() == 4
    assert client.get(reverse("selfcontrol:run_start", args=[run.pk])).status_code == 405


def test_year_view_for_unit_outside_scope_is_404(org, login, objs):
    client = login(org.users["chef_a1"])
    assert client.get(reverse("selfcontrol:year") + "?unit=B1&year=2025").status_code == 404
    assert client.get(reverse("selfcontrol:year") + "?unit=A1&year=2025").status_code == 200


def test_year_view_counts_switch_at_local_midnight_on_new_years_eve(backdated, login, monkeypatch):
    org = backdated
    chef = org.users["chef_a"]
    plan = make_plan(
        chef,
        org.units["A1"],
        area="Brukarundersökning",
        method_code="brukarundersokning",
        frequency="half_yearly",
        year=2025,
    )
    first = plan.runs.order_by("period_start").first()
    services.run_start(run=first, actor=chef)
    services.run_update(run=first, data={"result": "utan_anmarkning"}, actor=chef)
    services.run_complete(run=first, actor=chef)
    client = login(chef)
    url = reverse("selfcontrol:year") + "?unit=A&year=2025"

    def counts():
        ctx = client.get(url).context
        return ctx["counts"]

    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2025, 12, 31, 23, 59, tzinfo=STHLM)
    )
    assert counts() == {"planned": 2, "done": 1, "overdue": 0, "open": 1}
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2026, 1, 1, 0, 1, tzinfo=STHLM)
    )
    assert counts() == {"planned": 2, "done": 1, "overdue": 1, "open": 0}
    body = client.get(url).content.decode()
    assert 'data-count="overdue">1<' in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["list", "year"])
def test_list_pages_query_count_does_not_grow(org, login, url_name):
    chef = org.users["chef_a"]
    client = login(chef)
    url = reverse(f"selfcontrol:{url_name}") + ("?unit=A&year=2025" if url_name == "year" else "")
    make_plan(chef, org.units["A1"], year=2025, frequency="quarterly")
    few = _queries(client, url)
    for i in range(8):
        make_plan(
            chef,
            org.units["A2" if i % 2 else "A1"],
            area=f"Plan {i}",
            year=2025,
            frequency="monthly",
            responsible_person=UserFactory(),
        )
    assert _queries(client, url) == few


def test_plan_create_form_schedules_the_year(org, login):
    from tests.selfcontrol.factories import method

    client = login(org.users["chef_a1"])
    response = client.post(
        reverse("selfcontrol:plan_create"),
        {
            "area": "Tjänstegenomgång",
            "what_checked": "Genomförandeplaner",
            "method": method("tjanstegenomgang").pk,
            "frequency": "half_yearly",
            "responsible_unit": org.units["A1"].pk,
            "schedule_year": "2025",
        },
    )
    plan = SelfControlPlan.objects.get(area="Tjänstegenomgång")
    assert response.status_code == 302 and plan.runs.count() == 2
    response = client.post(
        reverse("selfcontrol:plan_create"),
        {
            "area": "Fel",
            "what_checked": "x",
            "method": method("stickprov").pk,
            "frequency": "yearly",
            "responsible_unit": org.units["B1"].pk,
        },
    )
    assert response.status_code == 200 and not SelfControlPlan.objects.filter(area="Fel").exists()
    assert date(2025, 1, 1) == plan.runs.order_by("period_start").first().period_start
