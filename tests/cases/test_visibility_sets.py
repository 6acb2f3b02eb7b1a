"""The set form of the visibility rule (`visible_rule_sets`, the start page's counts) agrees
with `visible_rule` on the whole matrix: role × unit scope × skyddad × object grant × type."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.models import Case
from cases.selectors import cases_countable_by, cases_visible_to, countable_parts
from cases.selectors.visibility import visible_rule_sets
from tests.cases.test_visibility import KINDS, ROLES, expected_visible
from tests.factories import UserFactory, make_case, member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
def test_the_set_form_sees_exactly_what_the_row_form_sees(org, role):
    user = UserFactory(username=f"u-{role}")
    member(user, org.units["A"], role)  # reaches A1 and A2, never B1
    expected = set()
    for in_scope, skyddad, granted, kind in itertools.product(
        (True, False), (False, True), (False, True), KINDS
    ):
        unit = org.units["A2"] if in_scope else org.units["B1"]
        case = make_case(unit, kind_=kind, skyddad=skyddad, title=f"{kind} {role}")
        if granted:
            assign_perm("cases.view_case", user, case)
        if expected_visible(role, in_scope, skyddad, granted, kind):
            expected.add(case.pk)
    by_sets = set(Case.objects.filter(visible_rule_sets(user)).values_list("pk", flat=True))
    assert by_sets == expected
    assert by_sets == set(cases_visible_to(user).values_list("pk", flat=True))


def test_an_ended_membership_reaches_nothing_in_the_set_form_either(org):
    user = UserFactory(username="former-chef")
    membership = member(user, org.units["A"], "sektionschef")
    membership.valid_to = timezone.localdate() - timedelta(days=1)
    membership.save()
    make_case(org.units["A1"], kind_="deviation")
    assert not Case.objects.filter(visible_rule_sets(user)).exists()


@pytest.mark.parametrize("role", [*ROLES, "registrator"])
def test_whole_units_and_the_rest_are_exactly_the_visible_cases(org, role):
    """`countable_parts` (the statistics' tally reads whole units, counts the rest live):
    the union of its two parts is the visible set, for every role, skyddad or not, granted or
    not, and for a case still waiting for routing on an avdelning."""
    user = UserFactory(username=f"p-{role}")
    member(user, org.units["A"], role)
    for in_scope, skyddad, granted, kind in itertools.product(
        (True, False), (False, True), (False, True), KINDS
    ):
        unit = org.units["A2"] if in_scope else org.units["B1"]
        case = make_case(unit, kind_=kind, skyddad=skyddad, title=f"{kind} {role}")
        if granted:
            assign_perm("cases.view_case", user, case)
    make_case(org.units["A"], kind_="complaint", title="Väntar på fördelning")
    parts = countable_parts(user)
    union = Case.objects.filter(parts.whole_units_q() | parts.rest)
    visible = set(cases_visible_to(user).values_list("pk", flat=True))
    assert visible  # every role sees something here: the comparison is not of two empty sets
    assert set(union.values_list("pk", flat=True)) == visible
    assert set(cases_countable_by(user).values_list("pk", flat=True)) == visible
