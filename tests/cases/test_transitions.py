"""Every transition not in a type's table is refused; every allowed one is audited."""

import itertools

import pytest

from cases.models import Case
from cases.services import TransitionNotAllowed
from cases.services.cases import case_transition
from cases.workflow import all_workflows
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _force_status(case: Case, status: str) -> Case:
    # Test setup only: put the row in a given state without going through the workflow.
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=None)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("wf", all_workflows(), ids=lambda wf: wf.kind)
def test_transition_table_is_enforced(org, wf):
    actor = org.users["chef_a1"]
    case = make_case(org.units["A1"], kind_=wf.kind, actor=actor)
    statuses = [s.value for s in wf.statuses]
    for from_status, to_status in itertools.product(statuses, statuses):
        _force_status(case, from_status)
        history_before = case.history.count()
        if wf.can(from_status, to_status):
            updated = case_transition(
                case=case, to_status=to_status, actor=actor, reason=f"{from_status}->{to_status}"
            )
            assert updated.status == to_status
            last = updated.history.latest()
            assert last.history_user == actor
            assert last.history_change_reason == f"{from_status}->{to_status}"
            assert case.history.count() == history_before + 1
            assert (updated.closed_at is not None) == (to_status in wf.closed)
        else:
            with pytest.raises(TransitionNotAllowed):
                case_transition(case=case, to_status=to_status, actor=actor, reason="nej")
            case.refresh_from_db()
            assert case.status == from_status
            assert case.history.count() == history_before


def test_transition_sets_deadline_from_rules(org):
    case = make_case(org.units["A1"], kind_="complaint")
    assert case.due_step == "acknowledge"
    assert case.due_at is not None
    moved = case_transition(
        case=case, to_status="under_utredning", actor=org.users["chef_a1"], reason="Mottagen"
    )
    assert moved.due_step == "answer"
    assert moved.due_at.date() >= case.received_at.date()
    closed = case_transition(
        case=moved, to_status="avslutad", actor=org.users["chef_a1"], reason="Klar"
    )
    assert closed.due_at is None and closed.closed_at is not None
