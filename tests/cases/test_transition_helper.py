"""One transition helper for every stateful model (cases.services.transitions).

For each model, through its own service: an allowed move sets status and its timestamp and
leaves one history row with user and reason; a move the table refuses raises
TransitionNotAllowed and changes nothing; two moves racing on the same row leave one winner.
Last, the source itself: nothing but the helper assigns `.status` or checks a table by hand.
"""

import ast
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from django.db import connection, transaction

from cases.complaints.workflow import ComplaintStatus
from cases.models import Job, Measure, Role
from cases.services import TransitionNotAllowed
from cases.services.cases import case_transition
from cases.services.jobs import job_create, job_finish, job_start
from cases.services.parts import measure_create, measure_set_status
from cases.supervision import services as supervision_services
from cases.supervision.models import Supervision, SupervisionMeasure
from reports import services as report_services
from reports.analysis import services as analysis_services
from reports.analysis.models import UnitAnalysis
from reports.editions import services as edition_services
from reports.editions.compile import JOB_KIND, compile_run
from reports.editions.models import ReportEdition, ReportTemplate
from reports.models import DevelopmentArea
from riskanalysis.models import RiskAnalysis
from riskanalysis.services import analysis_complete, analysis_reopen
from selfcontrol.models import SelfControlRun
from selfcontrol.services import run_complete, run_start, run_update
from tests.factories import UserFactory, make_case, member
from tests.reports.unit_analysis_data import open_2025
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan
from tests.supervision.factories import make_supervision

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Spec:
    """A row in its source state, the service that moves it, and what the move leaves."""

    make: Callable  # (org) -> row
    move: Callable  # (row, actor, reason) -> row
    to: str
    stamp: str  # the date/time field the move fills
    actor: str = "quality"
    # A move the table refuses from the source state; by default the same move again, after
    # the first one went through.
    refuse: Callable | None = None
    # The reason the history shows, where the service words it itself.
    recorded_reason: str = ""


def _case(org):
    return make_case(org.units["A1"], kind_="complaint", actor=org.users["chef_a1"])


def _case_close(case, actor, reason):
    return case_transition(case=case, to_status=ComplaintStatus.CLOSED, actor=actor, reason=reason)


def _risk(org):
    return make_analysis(org.users["quality"], [org.units["A1"]], risks=[("Fallrisk", 2, 3)])


def _run(org):
    chef = org.users["quality"]
    run = run_start(run=make_plan(chef, org.units["A1"], year=2026).runs.get(), actor=chef)
    return run_update(run=run, data={"result": "utan_anmarkning"}, actor=chef)


def _edition(org):
    actor = org.users["quality"]
    edition = edition_services.edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=actor,
    )
    # Sent to review by a second kvalitetsstrateg: the helper's actor approves (four eyes).
    colleague = UserFactory(username="quality_2")
    member(colleague, org.units["ASF"], Role.KVALITETSSTRATEG)
    edition = edition_services.edition_submit_for_review(edition=edition, actor=colleague)
    # The worker's path, without the broker: approval needs a PDF of the current text.
    compile_run(job_id=job_create(kind=JOB_KIND, payload={"edition_id": edition.pk}).pk)
    return edition


def _unit_analysis(org):
    return UnitAnalysis.objects.get(round=open_2025(org), unit=org.units["A1"])


def _submit(analysis, actor, reason):
    return analysis_services.analysis_submit(
        analysis=analysis,
        expected_version=1,
        actor=actor,
        data={"conclusions": "Rutinen gås igenom på APT."},
    )


def _supervision(org):
    return make_supervision(
        org.users["quality"], [org.units["A1"]], decisions=[(date(2024, 3, 1), [])]
    )


def _supervision_close(supervision, actor, reason):
    return supervision_services.supervision_close(
        supervision=supervision, actor=actor, closed_on=date(2024, 4, 2), reason=reason
    )


def _supervision_measure(org):
    return supervision_services.supervision_measure_add(
        supervision=_supervision(org), actor=org.users["quality"], description="Ny rutin"
    )


def _measure(org):
    return measure_create(actor=org.users["chef_a1"], description="Rutinen ses över")


def _area(org):
    return report_services.development_area_create(
        actor=org.users["quality"], unit=org.units["ASF"], year_decided=2025, title="Dokumentation"
    )


def _area_follow_up(area, actor, reason):
    return report_services.development_area_follow_up(
        area=area, actor=actor, status=DevelopmentArea.Status.DONE, text="Klart", reason=reason
    )


def _area_back_to_decided(area, actor):
    return report_services.development_area_follow_up(
        area=area, actor=actor, status=DevelopmentArea.Status.DECIDED, text="Ångrar"
    )


def _running_job(org):
    job = job_create(kind="test", payload={})
    return job_start(job_id=job.pk)


SPECS = {
    "case": Spec(_case, _case_close, ComplaintStatus.CLOSED, "closed_at", actor="chef_a1"),
    "riskanalysis": Spec(
        _risk,
        lambda a, actor, reason: analysis_complete(analysis=a, actor=actor, reason=reason),
        RiskAnalysis.Status.DONE,
        "completed_at",
    ),
    "selfcontrol_run": Spec(
        _run,
        lambda r, actor, reason: run_complete(run=r, actor=actor, reason=reason),
        SelfControlRun.Status.DONE,
        "completed_at",
    ),
    "edition": Spec(
        _edition,
        lambda e, actor, reason: edition_services.edition_approve(
            edition=e, actor=actor, reason=reason
        ),
        ReportEdition.Status.APPROVED,
        "approved_at",
    ),
    "unit_analysis": Spec(
        _unit_analysis,
        _submit,
        UnitAnalysis.Status.SUBMITTED,
        "submitted_at",
        actor="chef_a1",
        recorded_reason="Analysen lämnades in",
    ),
    "supervision": Spec(_supervision, _supervision_close, Supervision.Status.CLOSED, "closed_on"),
    "supervision_measure": Spec(
        _supervision_measure,
        lambda m, actor, reason: supervision_services.supervision_measure_complete(
            measure=m, actor=actor, completed_on=date(2024, 5, 1), reason=reason
        ),
        SupervisionMeasure.Status.DONE,
        "completed_on",
    ),
    "measure": Spec(
        _measure,
        lambda m, actor, reason: measure_set_status(
            measure=m, status=Measure.Status.DONE, actor=actor, reason=reason
        ),
        Measure.Status.DONE,
        "completed_on",
        actor="chef_a1",
    ),
    "development_area": Spec(
        _area,
        _area_follow_up,
        DevelopmentArea.Status.DONE,
        "followed_up_at",
        refuse=_area_back_to_decided,
    ),
    "job": Spec(
        _running_job,
        lambda j, actor, reason: job_finish(job_id=j.pk, result={}),
        Job.Status.DONE,
        "finished_at",
    ),
}
# Two follow-ups of a development area may both stand (the second corrects the first), so it
# has no race to lose.
RACED = [name for name in SPECS if name != "development_area"]


def _audited(row) -> bool:
    return hasattr(row._meta, "simple_history_manager_attribute")


def _snapshot(row) -> tuple:
    row = type(row).objects.get(pk=row.pk)
    return (
        row.status,
        getattr(row, "version", None),
        row.history.count() if _audited(row) else None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPECS)
def test_allowed_move_sets_status_stamp_and_one_history_row(org, name):
    spec = SPECS[name]
    row = spec.make(org)
    actor = org.users[spec.actor]
    status, version, history = _snapshot(row)
    assert getattr(row, spec.stamp) is None

    moved = spec.move(row, actor, "Beslut i ledningsgruppen")

    stored = type(row).objects.get(pk=row.pk)
    assert (moved.status, stored.status) == (spec.to, spec.to)
    assert getattr(stored, spec.stamp) is not None
    if not _audited(stored):  # a job is operational and keeps no history
        return
    assert stored.history.count() == history + 1
    last = stored.history.latest()
    assert last.history_user == actor
    assert last.history_change_reason == (spec.recorded_reason or "Beslut i ledningsgruppen")


@pytest.mark.django_db
@pytest.mark.parametrize("name", SPECS)
def test_refused_move_raises_and_changes_nothing(org, name):
    spec = SPECS[name]
    row = spec.make(org)
    actor = org.users[spec.actor]
    if spec.refuse is None:
        row = spec.move(row, actor, "Första gången")
        refuse = lambda: spec.move(row, actor, "Andra gången")  # noqa: E731
    else:
        refuse = lambda: spec.refuse(row, actor)  # noqa: E731
    before = _snapshot(row)
    stamp = getattr(type(row).objects.get(pk=row.pk), spec.stamp)

    with pytest.raises(TransitionNotAllowed) as refused:
        refuse()

    assert "kan inte gå från" in str(refused.value)
    assert _snapshot(row) == before
    assert getattr(type(row).objects.get(pk=row.pk), spec.stamp) == stamp


@pytest.mark.django_db
def test_refusal_names_both_statuses_in_swedish(org):
    analysis = _risk(org)
    actor = org.users["quality"]
    analysis_complete(analysis=analysis, actor=actor)
    with pytest.raises(TransitionNotAllowed, match="från ”Genomförd” till ”Genomförd”"):
        analysis_complete(analysis=analysis, actor=actor)


@pytest.mark.django_db
def test_an_arrow_leaves_only_from_its_own_source(org):
    """klar → pågår is in the table (reopen), but starting is an arrow from planerad only."""
    actor = org.users["quality"]
    done = run_complete(run=_run(org), actor=actor)
    before = _snapshot(done)
    with pytest.raises(TransitionNotAllowed, match="från ”Klar” till ”Pågår”"):
        run_start(run=done, actor=actor)
    assert _snapshot(done) == before


@pytest.mark.django_db
def test_a_check_refuses_before_anything_changes(org):
    """The caller's check (here: a right, as cases.actions.action_require raises it) sees the
    locked row and stops the move; status, version and history stay."""
    from cases.actions import ActionRefused

    case = _case(org)
    before = _snapshot(case)

    def not_allowed(locked):
        assert locked.status == ComplaintStatus.RECEIVED
        raise ActionRefused("Du har inte behörighet att göra detta i ärendet.")

    with pytest.raises(ActionRefused):
        case_transition(
            case=case,
            to_status=ComplaintStatus.CLOSED,
            actor=org.users["staff_a1"],
            reason="Avslutas",
            check=not_allowed,
        )
    assert _snapshot(case) == before


@pytest.mark.django_db
def test_reopening_clears_the_stamp_and_bumps_the_version(org):
    actor = org.users["quality"]
    done = analysis_complete(analysis=_risk(org), actor=actor)
    reopened = analysis_reopen(analysis=done, actor=actor, reason="Fler risker")
    assert reopened.status == RiskAnalysis.Status.DRAFT and reopened.completed_at is None
    assert reopened.version == done.version + 1
    assert reopened.history.latest().history_change_reason == "Fler risker"


@pytest.mark.django_db
def test_a_case_deadline_follows_the_new_status(org):
    actor = org.users["chef_a1"]
    case = case_transition(
        case=_case(org), to_status=ComplaintStatus.INVESTIGATING, actor=actor, reason="Utreds"
    )
    assert case.due_step == "answer" and case.closed_at is None
    closed = _case_close(case, actor, "Klar")
    assert closed.due_step == "" and closed.due_at is None and closed.closed_at is not None


# --- races ----------------------------------------------------------------------------------


def _wait_until_someone_waits_for_a_lock(timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def _race(move: Callable) -> tuple[object, object]:
    """The first move holds its transaction open until the second is waiting for the row; an
    unlocked read would let the second pass the table check on the stale status."""
    results: dict[str, object] = {}
    holding, release = threading.Event(), threading.Event()

    def run(key: str, body: Callable) -> None:
        try:
            results[key] = body()
        except BaseException as exc:  # noqa: BLE001
            results[key] = exc
        finally:
            holding.set()
            connection.close()

    def first_and_hold():
        with transaction.atomic():
            done = move("Först")
            holding.set()
            release.wait(15)
        return done

    one = threading.Thread(target=run, args=("first", first_and_hold))
    one.start()
    holding.wait(15)
    two = threading.Thread(target=run, args=("second", lambda: move("Sedan")))
    two.start()
    _wait_until_someone_waits_for_a_lock()
    release.set()
    one.join(20)
    two.join(20)
    return results["first"], results["second"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", RACED)
def test_concurrent_moves_on_one_row_leave_exactly_one_winner(org, name):
    spec = SPECS[name]
    row = spec.make(org)
    actor = org.users[spec.actor]
    status, version, history = _snapshot(row)

    first, second = _race(lambda reason: spec.move(row, actor, reason))

    assert not isinstance(first, BaseException), first
    assert isinstance(second, TransitionNotAllowed), second
    after = _snapshot(row)
    assert after[0] == spec.to
    if version is not None:
        assert after[1] in (version, version + 1)  # one move's bump (editions keep theirs)
    if history is not None:
        assert after[2] == history + 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_one_job_one_gets_it(org):
    job = job_create(kind="test", payload={})

    first, second = _race(lambda reason: job_start(job_id=job.pk))

    assert isinstance(first, Job) and second is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 1)


# --- the source ---------------------------------------------------------------------------

HELPER = "cases/services/transitions.py"


def _project_sources() -> list[Path]:
    tracked = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    untracked = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard", "*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [
        ROOT / p
        for p in tracked + untracked
        if not p.startswith("tests/") and "/migrations/" not in p and p != HELPER
    ]


def _offences(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr == "status":
                    found.append((node.lineno, "assigns .status"))
        if isinstance(node, ast.Call):
            func = node.func
            if (
                isinstance(func, ast.Name)
                and func.id == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value == "status"
            ):
                found.append((node.lineno, "setattr status"))
            # A table read by hand: TABLE.get(status) outside the helper.
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and isinstance(func.value, (ast.Name, ast.Attribute))
                and (getattr(func.value, "id", None) or func.value.attr).endswith("TRANSITIONS")
            ):
                found.append((node.lineno, "reads a transition table"))
    return found


def test_nothing_but_the_helper_assigns_status_or_reads_a_table():
    offences = []
    for path in _project_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offences += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in _offences(tree)]
    assert offences == []


def test_the_source_check_catches_an_assignment():
    sample = ast.parse(
        "def f(row):\n"
        "    row.status = 'klar'\n"
        "    setattr(row, 'status', 'klar')\n"
        "    return ALLOWED_TRANSITIONS.get(row.status, set())\n"
    )
    assert [what for _, what in _offences(sample)] == [
        "assigns .status",
        "setattr status",
        "reads a transition table",
    ]
