"""A chef change hands the unit's open cases to the new chef (cases.services.cases)."""

from cases.services.cases import case_assign, case_move_open_to_new_chef, case_transition
from tests.factories import UserFactory, make_case, member


def test_open_cases_move_to_the_new_chef_with_history(org):
    old = org.users["chef_a1"]
    new = UserFactory(username="ny_chef")
    member(new, org.units["A1"], "sektionschef")
    quality = org.users["quality"]
    moving = [make_case(org.units["A1"], title=f"Öppet {i}") for i in range(3)]
    for case in moving:
        case_assign(case=case, assignee=old, actor=old)
    closed = make_case(org.units["A1"], title="Avslutat")
    case_assign(case=closed, assignee=old, actor=old)
    case_transition(case=closed, to_status="avslutad", actor=old, reason="Klart")
    someone_elses = make_case(org.units["A1"], title="Utredarens")
    case_assign(case=someone_elses, assignee=org.users["investigator"], actor=old)
    other_unit = make_case(org.units["B1"], title="Annan enhet")
    case_assign(case=other_unit, assignee=old, actor=org.users["chef_b1"])

    moved = case_move_open_to_new_chef(
        unit=org.units["A1"], old_chef=old, new_chef=new, actor=quality
    )

    assert moved == 3
    for case in moving:
        case.refresh_from_db()
        assert case.assignee == new
        latest = case.history.first()
        assert latest.history_change_reason == "Chefsbyte" and latest.history_user == quality
        assert new.has_perm("cases.handle_case", case)
    for case, who in ((closed, old), (someone_elses, org.users["investigator"]), (other_unit, old)):
        case.refresh_from_db()
        assert case.assignee == who


def test_reassignment_removes_the_former_assignees_access(org, login):
    """An investigator outside the unit sees the case only while assigned to it."""
    chef = org.users["chef_a1"]
    first, second = org.users["investigator"], UserFactory(username="utredare2")
    member(second, org.units["ASF"], "utredare")
    case = make_case(org.units["A1"], title="Känsligt")
    case_assign(case=case, assignee=first, actor=chef)
    assert login(first).get(case.get_absolute_url()).status_code == 200

    case_assign(case=case, assignee=second, actor=chef)

    assert login(first).get(case.get_absolute_url()).status_code == 404
    assert login(second).get(case.get_absolute_url()).status_code == 200
