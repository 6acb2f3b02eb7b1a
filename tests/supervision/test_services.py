"""Supervision services: the transition table, one service per arrow, optimistic locking and
history rows with user and reason."""

from datetime import date

import pytest

from cases.models import CodeList
from cases.services import ConcurrentEditError, ServiceError, TransitionNotAllowed
from cases.supervision import services as services
from cases.supervision.models import (
    ALLOWED_TRANSITIONS,
    Supervision,
    SupervisionDecision,
    SupervisionMeasure,
)
from tests.factories import code
from tests.supervision.factories import make_supervision

pytestmark = pytest.mark.django_db
S = Supervision.Status


def test_transition_table_is_complete_and_final_state_is_closed():
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
    assert ALLOWED_TRANSITIONS[S.ONGOING] == {S.RESPONSE_SENT, S.CLOSED}
    assert ALLOWED_TRANSITIONS[S.RESPONSE_SENT] == {S.CLOSED, S.ONGOING}
    assert ALLOWED_TRANSITIONS[S.CLOSED] == set()


@pytest.fixture
def sup(org):
    return make_supervision(
        org.users["quality"], [org.units["A1"]], decisions=[(date(2025, 5, 2), ["bemanning"])]
    )


def test_full_path_ongoing_response_supplement_response_closed(org, sup):
    actor = org.users["quality"]
    sup = services.supervision_register_response_sent(
        supervision=sup, actor=actor, sent_on=date(2025, 6, 1)
    )
    assert (sup.status, sup.response_sent_on) == (S.RESPONSE_SENT, date(2025, 6, 1))
    sup = services.supervision_request_supplement(
        supervision=sup, actor=actor, reason="IVO vill ha mer"
    )
    assert sup.status == S.ONGOING
    sup = services.supervision_register_response_sent(
        supervision=sup, actor=actor, sent_on=date(2025, 7, 1)
    )
    sup = services.supervision_close(
        supervision=sup, actor=actor, closed_on=date(2025, 9, 1), closing_note="Åtgärderna räcker"
    )
    assert (sup.status, sup.closed_on, sup.closing_note) == (
        S.CLOSED,
        date(2025, 9, 1),
        "Åtgärderna räcker",
    )
    reasons = list(
        sup.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert "IVO vill ha mer" in reasons and "Avslutat av myndigheten" in reasons


def test_disallowed_transitions_raise_and_change_nothing(org, sup):
    actor = org.users["quality"]
    with pytest.raises(TransitionNotAllowed):
        services.supervision_request_supplement(supervision=sup, actor=actor)
    sup = services.supervision_close(supervision=sup, actor=actor, closed_on=date(2025, 6, 1))
    for call in (
        lambda: services.supervision_register_response_sent(
            supervision=sup, actor=actor, sent_on=date(2025, 7, 1)
        ),
        lambda: services.supervision_close(
            supervision=sup, actor=actor, closed_on=date(2025, 7, 1)
        ),
    ):
        with pytest.raises(TransitionNotAllowed):
            call()
    with pytest.raises(ServiceError):  # closed: nothing can be added
        services.supervision_decision_add(
            supervision=sup, actor=actor, decided_on=date(2025, 8, 1), deficiencies_found=False
        )
    sup.refresh_from_db()
    assert sup.status == S.CLOSED and sup.decisions.count() == 1


def test_close_needs_a_decision_and_a_date_after_it(org):
    actor = org.users["quality"]
    bare = make_supervision(actor, [org.units["A1"]])
    with pytest.raises(ServiceError, match="beslut"):
        services.supervision_close(supervision=bare, actor=actor, closed_on=date(2025, 6, 1))
    bare.refresh_from_db()
    assert bare.status == S.ONGOING
    dated = make_supervision(
        actor, [org.units["A1"]], reference="x", decisions=[(date(2025, 5, 2), [])]
    )
    with pytest.raises(ServiceError, match="före"):
        services.supervision_close(supervision=dated, actor=actor, closed_on=date(2025, 5, 1))


def test_decision_rules_and_history(org, sup):
    actor = org.users["chef_a1"]
    with pytest.raises(ServiceError, match="Bristområden"):
        services.supervision_decision_add(
            supervision=sup,
            actor=actor,
            decided_on=date(2025, 6, 1),
            deficiencies_found=False,
            deficiency_categories=[code(CodeList.SUPERVISION_DEFICIENCY, "lokaler")],
        )
    with pytest.raises(ServiceError, match="kodlistan"):
        services.supervision_decision_add(
            supervision=sup,
            actor=actor,
            decided_on=date(2025, 6, 1),
            deficiencies_found=True,
            deficiency_categories=[code(CodeList.SUPERVISION_TYPE, "hvb")],
        )
    decision = services.supervision_decision_add(
        supervision=sup,
        actor=actor,
        decided_on=date(2025, 6, 1),
        deficiencies_found=True,
        deficiency_categories=[code(CodeList.SUPERVISION_DEFICIENCY, "lokaler")],
        response_due_on=date(2025, 7, 1),
    )
    assert list(decision.deficiency_categories.values_list("code", flat=True)) == ["lokaler"]
    sup.refresh_from_db()
    assert sup.response_due_on == date(2025, 7, 1)
    rows = SupervisionDecision.history.filter(id=decision.pk)
    assert rows.count() >= 1
    assert all(r.history_user == actor and r.history_change_reason for r in rows)


def test_measure_add_and_complete(org, sup):
    actor = org.users["quality"]
    measure = services.supervision_measure_add(
        supervision=sup,
        actor=actor,
        description="Checklista vid rekrytering",
        expected_effect="Registerkontroll görs alltid",
        responsible="Avdelning A",
        due_date=date(2025, 9, 1),
    )
    assert measure.status == SupervisionMeasure.Status.PLANNED
    measure = services.supervision_measure_complete(
        measure=measure, actor=actor, completed_on=date(2025, 8, 1)
    )
    assert (measure.status, measure.completed_on) == ("genomford", date(2025, 8, 1))
    with pytest.raises(TransitionNotAllowed):
        services.supervision_measure_complete(
            measure=measure, actor=actor, completed_on=date(2025, 8, 2)
        )
    last = SupervisionMeasure.history.filter(id=measure.pk).latest("history_date")
    assert (last.history_user, last.history_change_reason) == (actor, "Åtgärden genomförd")
    with pytest.raises(ServiceError):
        services.supervision_measure_add(supervision=sup, actor=actor, description="  ")


def test_create_checks_units_in_scope(org):
    with pytest.raises(ServiceError, match="enheter du ansvarar för"):
        make_supervision(org.users["chef_a1"], [org.units["B1"]])
    with pytest.raises(ServiceError, match="minst en"):
        make_supervision(org.users["quality"], [])
    sup = make_supervision(org.users["chef_a1"], [org.units["A1"]])
    first = sup.history.earliest("history_date")
    assert first.history_user == org.users["chef_a1"]
    assert first.history_change_reason == "Tillsynsärende registrerat"


def test_update_with_stale_version_is_refused_and_nothing_is_overwritten(org, sup):
    actor_a, actor_b = org.users["quality"], org.users["chef_a1"]
    opened = sup.version
    services.supervision_update(
        supervision=sup, expected_version=opened, data={"title": "Först sparad"}, actor=actor_a
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.supervision_update(
            supervision=sup,
            expected_version=opened,
            data={"title": "Skulle skriva över"},
            actor=actor_b,
        )
    assert exc.value.current.title == "Först sparad"
    assert "Någon annan har sparat" in str(exc.value)
    sup.refresh_from_db()
    assert sup.title == "Först sparad" and sup.version == opened + 1


def test_update_keeps_units_outside_the_editors_scope(org):
    sup = make_supervision(org.users["quality"], [org.units["A1"], org.units["B1"]])
    sup = services.supervision_update(
        supervision=sup,
        expected_version=sup.version,
        data={"summary": "Ny"},
        units=[org.units["A2"]],
        actor=org.users["chef_a"],
        reason="Rätt sektion",
    )
    assert set(sup.units.values_list("code", flat=True)) == {"A2", "B1"}
    last = sup.history.latest("history_date")
    assert (last.history_user, last.history_change_reason) == (org.users["chef_a"], "Rätt sektion")


def test_update_refuses_status_and_unknown_fields(org, sup):
    with pytest.raises(ServiceError, match="kan inte ändras"):
        services.supervision_update(
            supervision=sup,
            expected_version=sup.version,
            data={"status": S.CLOSED},
            actor=org.users["quality"],
        )
    sup.refresh_from_db()
    assert sup.status == S.ONGOING
