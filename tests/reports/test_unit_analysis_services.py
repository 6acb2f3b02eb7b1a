"""Unit analysis services: draft, submit freezes, optimistic locking, the opening and
reminder beat jobs (idempotent)."""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cases.models import Role
from cases.services import ConcurrentEditError, ServiceError, TransitionNotAllowed
from cases.services.cases import case_update
from reports.analysis import services, tasks
from reports.analysis.models import AnalysisRound, UnitAnalysis
from reports.analysis.selectors import analysis_figures
from tests.factories import UserFactory, make_unit, member
from tests.reports.unit_analysis_data import deviation, local, open_2025, table

pytestmark = pytest.mark.django_db

TEXT = {
    "patterns": "Dokumentationen brister.",
    "causes": "Rutin ej följd.",
    "conclusions": "Rutinen gås igenom på APT.",
    "needs_overarching_measures": False,
    "overarching_measures": "",
}


def _a1(org) -> UnitAnalysis:
    return UnitAnalysis.objects.get(round=open_2025(org), unit=org.units["A1"])


def test_draft_save_bumps_version_and_keeps_history(org):
    analysis = _a1(org)
    chef = org.users["chef_a1"]
    saved = services.analysis_update(
        analysis=analysis, expected_version=1, data={"patterns": "  Mönster  "}, actor=chef
    )
    assert (saved.version, saved.patterns) == (2, "Mönster")
    last = saved.history.first()
    assert last.history_user == chef and last.history_change_reason == "Utkast sparat"


def test_stale_version_is_refused_and_nothing_is_overwritten(org):
    analysis = _a1(org)
    services.analysis_update(
        analysis=analysis,
        expected_version=1,
        data={"patterns": "Först"},
        actor=org.users["chef_a1"],
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.analysis_update(
            analysis=analysis,
            expected_version=1,
            data={"patterns": "Sen"},
            actor=org.users["chef_a"],
        )
    assert exc.value.current.patterns == "Först"
    analysis.refresh_from_db()
    assert (analysis.patterns, analysis.version) == ("Först", 2)


def test_submit_requires_conclusions_and_described_needs(org):
    analysis = _a1(org)
    with pytest.raises(ServiceError, match="Skriv slutsatser"):
        services.analysis_submit(
            analysis=analysis,
            expected_version=1,
            actor=org.users["chef_a1"],
            data={**TEXT, "conclusions": ""},
        )
    with pytest.raises(ServiceError, match="Beskriv behovet"):
        services.analysis_submit(
            analysis=analysis,
            expected_version=1,
            actor=org.users["chef_a1"],
            data={**TEXT, "needs_overarching_measures": True},
        )
    analysis.refresh_from_db()
    assert analysis.status == UnitAnalysis.Status.DRAFT and analysis.version == 1


def test_submit_freezes_text_and_figures_and_keeps_history(org):
    case = deviation(org.units["A1"], local(2025, 1, 1))
    analysis = _a1(org)
    chef = org.users["chef_a1"]
    submitted = services.analysis_submit(
        analysis=analysis, expected_version=1, actor=chef, data=TEXT
    )
    assert submitted.status == UnitAnalysis.Status.SUBMITTED
    assert submitted.submitted_by == chef and submitted.submitted_at is not None
    assert table(submitted.figures, "types")["deviation"] == (1, 0)
    with pytest.raises(ServiceError, match="inlämnad"):
        services.analysis_update(
            analysis=submitted,
            expected_version=submitted.version,
            data={"patterns": "Ändrat"},
            actor=chef,
        )
    with pytest.raises(TransitionNotAllowed):
        services.analysis_submit(analysis=submitted, expected_version=submitted.version, actor=chef)
    # A later correction moves the case, but the submitted analysis keeps its figures.
    case_update(
        case=case,
        expected_version=case.version,
        data={"unit": org.units["B1"]},
        actor=org.users["quality"],
        reason="Fel enhet",
    )
    submitted.refresh_from_db()
    assert submitted.patterns == TEXT["patterns"]
    assert table(analysis_figures(submitted), "types")["deviation"] == (1, 0)
    reasons = list(submitted.history.values_list("history_change_reason", flat=True))
    assert reasons[:2] == ["Analysen lämnades in", "Analys skapad när omgången öppnades"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins(org):
    analysis = _a1(org)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def save(text, user):
        try:
            barrier.wait()
            services.analysis_update(
                analysis=analysis, expected_version=1, data={"conclusions": text}, actor=user
            )
            results.append("ok")
        except ConcurrentEditError:
            results.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(t, org.users[u]))
        for t, u in (("Chef A1", "chef_a1"), ("Chef A", "chef_a"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    analysis.refresh_from_db()
    assert analysis.version == 2


def test_opening_task_is_idempotent_and_adds_new_chefs_units(org):
    first = tasks.open_analysis_round()
    analysis_round = AnalysisRound.objects.get(pk=first)
    assert analysis_round.analyses.count() == 3
    assert tasks.open_analysis_round() == first
    assert analysis_round.analyses.count() == 3
    assert AnalysisRound.objects.count() == 1
    assert analysis_round.history.count() == 1  # opened once
    new_unit = make_unit("B2", "Sektion B2", org.units["B"])
    member(UserFactory(username="chef_b2"), new_unit, Role.SEKTIONSCHEF)
    tasks.open_analysis_round()
    assert set(analysis_round.analyses.values_list("unit__code", flat=True)) == {
        "A1",
        "A",
        "B1",
        "B2",
    }


def test_round_period_is_configurable_until_someone_submits(org):
    analysis_round = services.round_open(
        year=2025,
        period_start=date(2024, 9, 1),
        period_end=date(2025, 8, 31),
        due_date=date(2025, 9, 30),
    )
    assert analysis_round.period_start == date(2024, 9, 1)
    deviation(org.units["A1"], local(2025, 7, 1))  # inside the custom period only
    analysis = UnitAnalysis.objects.get(round=analysis_round, unit=org.units["A1"])
    assert table(analysis_figures(analysis), "types")["deviation"] == (1, 0)
    with pytest.raises(ServiceError, match="sista dag"):
        services.round_update(
            analysis_round=analysis_round,
            actor=None,
            period_start=date(2025, 1, 1),
            period_end=date(2024, 1, 1),
            due_date=date(2025, 9, 30),
        )
    services.analysis_submit(
        analysis=analysis, expected_version=1, actor=org.users["chef_a1"], data=TEXT
    )
    with pytest.raises(ServiceError, match="redan har lämnat in"):
        services.round_update(
            analysis_round=analysis_round,
            actor=None,
            period_start=date(2024, 6, 1),
            period_end=date(2025, 5, 31),
            due_date=date(2025, 9, 30),
        )


def test_reminder_goes_only_to_late_chefs_once_a_day(org):
    open_2025(org)  # due 2025-06-30
    services.round_open(year=2026, due_date=date(2026, 12, 31))  # not late yet
    a1 = UnitAnalysis.objects.get(round__year=2025, unit=org.units["A1"])
    services.analysis_submit(analysis=a1, expected_version=1, actor=org.users["chef_a1"], data=TEXT)
    day = date(2025, 7, 2)
    assert services.reminders_send(day=day) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["chef_a@example.se", "chef_b1@example.se"]
    assert "2025" in mail.outbox[0].subject and "/rapporter/analys/" in mail.outbox[0].body
    assert services.reminders_send(day=day) == 0  # same day: nothing more
    assert len(mail.outbox) == 2
    assert services.reminders_send(day=date(2025, 7, 3)) == 2  # next day, still late
    assert services.reminders_send(day=date(2025, 6, 30)) == 0  # on the due date: not late
    # After the reminder window quality staff follow up instead of daily e-mails.
    assert services.reminders_send(day=date(2025, 6, 30) + timedelta(days=91)) == 0


def test_reminder_task_calls_the_service(org):
    services.round_open(year=2025, due_date=timezone.localdate() - timedelta(days=1))
    assert tasks.send_analysis_reminders() == 3
    assert tasks.send_analysis_reminders() == 0


def test_demo_seed_opens_two_rounds_and_is_idempotent(org):
    import io
    import random

    from reports.analysis import demo

    demo.seed(users={"kvalitet": org.users["quality"]}, rng=random.Random(7), stdout=io.StringIO())
    submitted = UnitAnalysis.objects.filter(status=UnitAnalysis.Status.SUBMITTED)
    assert set(AnalysisRound.objects.values_list("year", flat=True)) == {2024, 2025}
    assert submitted.filter(round__year=2024).count() == 3
    assert submitted.filter(round__year=2025).count() == 2  # one unit still late
    before = UnitAnalysis.history.count()
    demo.seed(users={"kvalitet": org.users["quality"]}, rng=random.Random(7), stdout=io.StringIO())
    assert UnitAnalysis.history.count() == before
