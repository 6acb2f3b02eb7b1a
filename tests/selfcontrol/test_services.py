"""Self-inspection services: planning from frequency, transitions, findings, loggkontroll."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import AccessLog, CaseKind
from cases.services import ServiceError, TransitionNotAllowed
from selfcontrol import selectors, services
from selfcontrol.models import LogReview, SelfControlRun
from tests.factories import UserFactory, make_case
from tests.selfcontrol.factories import make_plan

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        ("yearly", [(date(2025, 1, 1), date(2025, 12, 31))]),
        (
            "half_yearly",
            [(date(2025, 1, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 12, 31))],
        ),
        (
            "quarterly",
            [
                (date(2025, 1, 1), date(2025, 3, 31)),
                (date(2025, 4, 1), date(2025, 6, 30)),
                (date(2025, 7, 1), date(2025, 9, 30)),
                (date(2025, 10, 1), date(2025, 12, 31)),
            ],
        ),
    ],
)
def test_periods_split_the_year(frequency, expected):
    assert services.periods_for(frequency, 2025) == expected


def test_monthly_periods_handle_leap_years():
    periods = services.periods_for("monthly", 2024)
    assert len(periods) == 12 and periods[1] == (date(2024, 2, 1), date(2024, 2, 29))


def test_scheduling_a_year_is_idempotent_and_keeps_history(org):
    chef = org.users["chef_a1"]
    plan = make_plan(chef, org.units["A1"], frequency="quarterly", year=2025)
    assert plan.runs.count() == 4
    assert services.plan_schedule_year(plan=plan, year=2025, actor=chef) == []
    assert plan.runs.count() == 4
    run = plan.runs.order_by("period_start").last()
    assert (run.period_start, run.due_date, run.status) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        "planerad",
    )
    assert run.history.first().history_user == chef


def test_plan_unit_must_be_in_write_scope(org):
    with pytest.raises(ServiceError):
        make_plan(org.users["chef_a1"], org.units["B1"])
    with pytest.raises(ServiceError):
        make_plan(org.users["au"], org.units["A1"])


def test_run_transitions(org):
    chef = org.users["chef_a1"]
    run = make_plan(chef, org.units["A1"], year=2025).runs.get()
    with pytest.raises(TransitionNotAllowed):
        services.run_complete(run=run, actor=chef)
    run = services.run_start(run=run, actor=chef)
    with pytest.raises(ServiceError):  # no result yet
        services.run_complete(run=run, actor=chef)
    services.run_update(run=run, data={"result": "brister"}, actor=chef)
    with pytest.raises(ServiceError):  # deficiencies need findings
        services.run_complete(run=run, actor=chef)
    services.run_update(run=run, data={"findings": "Två akter saknade utredningsplan"}, actor=chef)
    run = services.run_complete(run=run, actor=chef)
    assert run.status == SelfControlRun.Status.DONE and run.completed_at
    with pytest.raises(ServiceError):
        services.run_update(run=run, data={"results": "x"}, actor=chef)
    with pytest.raises(TransitionNotAllowed):
        services.run_start(run=run, actor=chef)
    run = services.run_reopen(run=run, actor=chef)
    assert run.status == SelfControlRun.Status.ONGOING and run.completed_at is None


def test_finding_becomes_a_linked_deviation_and_measure(org):
    chef = org.users["chef_a1"]
    run = make_plan(chef, org.units["A1"], year=2025).runs.get()
    case = services.run_deviation_create(
        run=run, title="Utredningsplan saknas", description="Två av tio akter", actor=chef
    )
    assert case.kind == CaseKind.DEVIATION and case.unit == org.units["A1"]
    assert list(run.linked_cases.all()) == [case]
    measure = services.run_measure_add(run=run, actor=chef, description="Påminnelse i APT")
    assert measure.case is None and list(run.measures.all()) == [measure]


# --- loggkontroll ------------------------------------------------------------------------------


def _log(user, unit, at: datetime, n: int = 1):
    case = make_case(unit, title="Läst ärende")
    rows = []
    for _ in range(n):
        row = AccessLog.objects.create(
            user=user, action="read", case=case, case_reference=case.reference, unit=unit
        )
        AccessLog.objects.filter(pk=row.pk).update(
            at=at
        )  # test data: back-date the append-only row
        rows.append(row.pk)
    return rows


@pytest.fixture
def log_rows(org):
    reader = UserFactory(username="reader")
    inside = []
    inside += _log(reader, org.units["A1"], datetime(2025, 3, 5, 10, tzinfo=STHLM), 15)
    inside += _log(reader, org.units["A2"], datetime(2025, 3, 20, 10, tzinfo=STHLM), 15)
    # Same period, other avdelning: must never be drawn for A.
    outside = _log(reader, org.units["B1"], datetime(2025, 3, 10, 10, tzinfo=STHLM), 30)
    # A's subtree but outside the period, on both sides of the local-midnight boundaries.
    outside += _log(reader, org.units["A1"], datetime(2025, 2, 28, 23, 59, tzinfo=STHLM), 5)
    outside += _log(reader, org.units["A1"], datetime(2025, 4, 1, 0, 0, tzinfo=STHLM), 5)
    # 00:30 on 1 March local is 28 Feb in UTC: inside the period all the same.
    inside += _log(reader, org.units["A1"], datetime(2025, 3, 1, 0, 30, tzinfo=STHLM), 2)
    return {"inside": set(inside), "outside": set(outside)}


def _log_run(chef, unit):
    plan = make_plan(
        chef,
        unit,
        area="Loggkontroll",
        method_code="loggkontroll",
        frequency="monthly",
        year=2025,
        sample_size=10,
    )
    run = plan.runs.get(period_start=date(2025, 3, 1))
    return services.run_start(run=run, actor=chef)


def test_candidates_are_the_units_subtree_in_the_local_period(org, log_rows):
    ids = set(
        services.log_candidates(
            unit=org.units["A"], period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
        ).values_list("id", flat=True)
    )
    assert ids == log_rows["inside"]


def test_sample_is_reproducible_for_the_stored_seed_and_never_outside_the_unit(org, log_rows):
    chef = org.users["chef_a"]
    run = _log_run(chef, org.units["A"])
    samples = services.run_draw_log_sample(run=run, actor=chef)
    run.refresh_from_db()
    drawn = [s.entry_id for s in samples]
    assert run.sample_seed is not None and run.sample_size == 10 == len(drawn)
    assert set(drawn) <= log_rows["inside"]
    assert not set(drawn) & log_rows["outside"]
    # Anyone can redraw from the stored seed and get the same entries in the same order.
    again = services.log_sample_ids(
        unit=run.plan.responsible_unit,
        period_start=run.period_start,
        period_end=run.period_end,
        seed=run.sample_seed,
        size=10,
    )
    assert again == drawn
    # The stored LogSample rows are the record of what was reviewed: drawing again is refused.
    with pytest.raises(ServiceError):
        services.run_draw_log_sample(run=run, actor=chef)


def test_different_seeds_draw_different_samples_from_the_same_candidates(org, log_rows):
    unit = org.units["A"]
    draws = {
        tuple(
            services.log_sample_ids(
                unit=unit,
                period_start=date(2025, 3, 1),
                period_end=date(2025, 3, 31),
                seed=seed,
                size=10,
            )
        )
        for seed in range(5)
    }
    assert len(draws) > 1
    for draw in draws:
        assert set(draw) <= log_rows["inside"]


def test_sample_of_a_section_never_includes_its_sibling(org, log_rows):
    chef = org.users["chef_a1"]
    run = _log_run(chef, org.units["A1"])
    samples = services.run_draw_log_sample(run=run, actor=chef, size=100, seed=42)
    units = {s.entry.unit.code for s in samples}
    assert units == {"A1"}
    assert len(samples) == 17  # every A1 row in March: 15 + 2 just after local midnight


def test_log_review_and_completion(org, log_rows):
    chef = org.users["chef_a"]
    run = _log_run(chef, org.units["A"])
    samples = services.run_draw_log_sample(run=run, actor=chef, size=3, seed=7)
    services.run_update(run=run, data={"result": "utan_anmarkning"}, actor=chef)
    with pytest.raises(ServiceError):  # unreviewed entries
        services.run_complete(run=run, actor=chef)
    with pytest.raises(ServiceError):  # follow-up needs a comment
        services.log_sample_review(sample=samples[0], review=LogReview.FOLLOW_UP, actor=chef)
    services.log_sample_review(
        sample=samples[0],
        review=LogReview.FOLLOW_UP,
        actor=chef,
        comment="Oklart varför ärendet lästes",
    )
    for s in samples[1:]:
        services.log_sample_review(sample=s, review=LogReview.OK, actor=chef)
    run = services.run_complete(run=run, actor=chef)
    assert run.is_done
    with pytest.raises(ServiceError):
        services.log_sample_review(
            sample=samples[1], review=LogReview.FOLLOW_UP, actor=chef, comment="för sent"
        )


def test_sampling_is_refused_for_other_methods(org):
    chef = org.users["chef_a1"]
    run = services.run_start(run=make_plan(chef, org.units["A1"], year=2025).runs.get(), actor=chef)
    with pytest.raises(ServiceError):
        services.run_draw_log_sample(run=run, actor=chef)


# --- overdue and year counts -------------------------------------------------------------------


def _clock(monkeypatch, *args):
    monkeypatch.setattr("django.utils.timezone.now", lambda: datetime(*args, tzinfo=STHLM))


def test_overdue_runs_switch_at_local_midnight(backdated, monkeypatch):
    org = backdated
    chef = org.users["chef_a1"]
    plan = make_plan(chef, org.units["A1"], year=2025)
    run = plan.runs.get()
    _clock(monkeypatch, 2025, 12, 31, 23, 30)
    assert selectors.overdue_items_for(chef) == []
    _clock(monkeypatch, 2026, 1, 1, 0, 30)  # still 31 Dec in UTC
    items = selectors.overdue_items_for(chef)
    assert [(i.url, i.due_date, i.unit) for i in items] == [
        (run.get_absolute_url(), date(2025, 12, 31), org.units["A1"])
    ]
    assert selectors.overdue_items_for(org.users["chef_b1"]) == []
    run = services.run_start(run=run, actor=chef)
    services.run_update(run=run, data={"result": "utan_anmarkning"}, actor=chef)
    services.run_complete(run=run, actor=chef)
    assert selectors.overdue_items_for(chef) == []


def test_year_overview_counts_around_the_year_boundary(backdated):
    org = backdated
    chef = org.users["chef_a"]
    quarterly = make_plan(
        chef,
        org.units["A1"],
        area="Telefontid",
        method_code="stickprov",
        frequency="quarterly",
        year=2025,
    )
    services.plan_schedule_year(plan=quarterly, year=2026, actor=chef)
    yearly = make_plan(chef, org.units["A2"], area="Personakter i arkiv", year=2025)
    make_plan(org.users["chef_b1"], org.units["B1"], area="Annan avdelning", year=2025)
    runs = list(quarterly.runs.filter(period_start__year=2025).order_by("period_start"))
    # Q1 and Q2 done; Q3 ongoing; Q4 (due 31 Dec) untouched; Q1 2026 belongs to the next year.
    for run in runs[:2]:
        services.run_start(run=run, actor=chef)
        services.run_update(run=run, data={"result": "utan_anmarkning"}, actor=chef)
        services.run_complete(run=run, actor=chef)
    services.run_start(run=runs[2], actor=chef)

    def counts(today, year=2025):
        return selectors.year_overview(chef, unit=org.units["A"], year=year, today=today)["counts"]

    assert counts(date(2025, 12, 31)) == {"planned": 5, "done": 2, "overdue": 1, "open": 2}
    assert counts(date(2026, 1, 1)) == {"planned": 5, "done": 2, "overdue": 3, "open": 0}
    assert counts(date(2026, 1, 1), year=2026) == {"planned": 4, "done": 0, "overdue": 0, "open": 4}
    # Finishing Q4 on 2 Jan still counts for 2025.
    services.run_start(run=runs[3], actor=chef)
    services.run_update(run=runs[3], data={"result": "utan_anmarkning"}, actor=chef)
    services.run_complete(run=runs[3], actor=chef)
    assert counts(date(2026, 1, 2)) == {"planned": 5, "done": 3, "overdue": 2, "open": 0}
    # The avdelning view sees both sections; a section view sees only itself.
    section = selectors.year_overview(chef, unit=org.units["A2"], year=2025, today=date(2026, 1, 2))
    assert [r["plan"] for r in section["rows"]] == [yearly]
