"""Visibility matrix: role × unit scope × skyddad × object grant (DESIGN §5).

For every combination the list (cases_visible_to), the detail page and the expected answer
must agree: a list never shows what the detail refuses.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from cases.selectors import cases_visible_to
from cases.services.parts import note_add
from tests.factories import UserFactory, make_case, member

pytestmark = pytest.mark.django_db

ROLES = [
    "sektionschef",
    "kvalitetsstrateg",
    "arbetsutskott",
    "utredare",
    "medarbetare",
    "administrator",
]
KINDS = ["complaint", "deviation", "lexsarah"]


def expected_visible(role: str, in_scope: bool, skyddad: bool, granted: bool, kind: str) -> bool:
    if granted:
        return True
    if skyddad or not in_scope:
        return False
    if role in ("sektionschef", "kvalitetsstrateg"):
        return True
    if role == "arbetsutskott":
        return kind == "lexsarah"
    return False


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("in_scope", [True, False], ids=["i-scope", "utanfor-scope"])
@pytest.mark.parametrize("skyddad", [False, True], ids=["oppen", "skyddad"])
@pytest.mark.parametrize("granted", [False, True], ids=["utan-tillstand", "med-tillstand"])
def test_visibility_matrix(org, login, role, in_scope, skyddad, granted):
    user = UserFactory(username=f"u-{role}")
    # Membership on the avdelning A reaches A1 and A2 (subtree), never B1.
    member(user, org.units["A"], role)
    target_unit = org.units["A2"] if in_scope else org.units["B1"]
    client = login(user)
    for kind in KINDS:
        case = make_case(target_unit, kind_=kind, skyddad=skyddad, title=f"{kind} {role}")
        if granted:
            assign_perm("cases.view_case", user, case)
        expected = expected_visible(role, in_scope, skyddad, granted, kind)
        in_list = cases_visible_to(user).filter(pk=case.pk).exists()
        detail = client.get(case.get_absolute_url())
        assert in_list == expected, (kind, role)
        assert detail.status_code == (200 if expected else 404), (kind, role)


def test_membership_outside_validity_gives_no_access(org):
    from datetime import date

    from cases.models import Membership

    user = UserFactory(username="former-chef")
    m = member(user, org.units["A1"], "sektionschef")
    Membership.objects.filter(pk=m.pk).update(valid_to=date(2020, 1, 1))
    case = make_case(org.units["A1"])
    assert not cases_visible_to(user).filter(pk=case.pk).exists()


def test_visibility_is_one_query_whatever_the_number_of_cases(org):
    chef = org.users["chef_a"]
    for i in range(30):
        make_case(org.units["A1" if i % 2 else "B1"], title=f"Ärende {i}")
    with CaptureQueriesContext(connection) as ctx:
        refs = list(cases_visible_to(chef).values_list("reference", flat=True))
    assert len(ctx.captured_queries) == 1
    assert len(refs) == 15


def test_reporter_sees_status_only(org, login):
    staff = org.users["staff_a1"]
    case = make_case(
        org.units["A1"],
        kind_="lexsarah",
        reporter=staff,
        title="Min rapport",
        description="Det jag själv skrev",
    )
    # The handling stays hidden from the reporter; what they wrote is theirs to read (issue 18).
    note_add(case=case, text="Hemlig handläggningstext", actor=org.users["chef_a1"])
    response = login(staff).get(case.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Min rapport" in body and "Rapporterad" in body and "Det jag själv skrev" in body
    assert "Hemlig handläggningstext" not in body
    assert not cases_visible_to(staff).filter(pk=case.pk).exists()
