"""Supervision selectors: the visibility rule (one SQL query) and counting by decision date."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.supervision.selectors import (
    supervision_counts,
    supervision_counts_for_year,
    supervision_list,
    supervisions_visible_to,
)
from tests.supervision.factories import make_supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_a1(org):
    return make_supervision(org.users["quality"], [org.units["A1"]], title="A1")


@pytest.mark.parametrize(
    "username, sees, writes",
    [
        ("chef_a1", True, True),  # chef of the unit
        ("chef_a", True, True),  # chef of the avdelning above
        ("chef_b1", False, False),  # chef elsewhere
        ("quality", True, True),
        ("au", True, False),  # arbetsutskott reads, never writes
        ("staff_a1", False, False),  # medarbetare
        ("investigator", False, False),
        ("admin", False, False),  # administratör: no content
    ],
)
def test_visibility_matrix(org, in_a1, username, sees, writes):
    user = org.users[username]
    assert supervisions_visible_to(user).filter(pk=in_a1.pk).exists() is sees
    assert supervisions_visible_to(user, write=True).filter(pk=in_a1.pk).exists() is writes


def test_any_concerned_unit_in_scope_is_enough(org):
    both = make_supervision(org.users["quality"], [org.units["A1"], org.units["B1"]])
    assert supervisions_visible_to(org.users["chef_b1"]).filter(pk=both.pk).exists()
    assert supervisions_visible_to(org.users["chef_a1"]).filter(pk=both.pk).exists()
    # One row per case, not one per concerned unit.
    assert supervisions_visible_to(org.users["quality"]).filter(pk=both.pk).count() == 1


def test_visibility_is_one_query(org, in_a1):
    with CaptureQueriesContext(connection) as ctx:
        list(supervisions_visible_to(org.users["chef_a"]))
    assert len(ctx.captured_queries) == 1
    assert "EXISTS" in ctx.captured_queries[0]["sql"]


def test_anonymous_sees_nothing(in_a1):
    from django.contrib.auth.models import AnonymousUser

    assert not supervisions_visible_to(AnonymousUser()).exists()


def test_case_initiated_in_2024_with_2025_decision_counts_in_2025(org):
    quality = org.users["quality"]
    make_supervision(
        quality,
        [org.units["A1"]],
        initiated_on=date(2024, 11, 20),
        decisions=[(date(2025, 1, 1), ["bemanning"])],
    )
    make_supervision(
        quality,
        [org.units["A2"]],
        initiated_on=date(2024, 10, 1),
        decisions=[(date(2024, 12, 31), [])],
    )
    c2024 = supervision_counts_for_year(year=2024)
    c2025 = supervision_counts_for_year(year=2025)
    assert (c2024.cases, c2024.decisions) == (1, 1)
    assert (c2025.cases, c2025.decisions) == (1, 1)
    assert c2025.row("ivo", "hvb").cases_with_deficiencies == 1
    assert c2024.row("ivo", "hvb").cases_without_deficiencies == 1


def test_decisions_split_across_years_count_the_case_in_both(org):
    quality = org.users["quality"]
    make_supervision(
        quality,
        [org.units["A1"]],
        initiated_on=date(2024, 6, 1),
        decisions=[
            (date(2024, 12, 20), []),
            (date(2025, 1, 10), ["lokaler"]),
            (date(2025, 3, 1), []),
        ],
    )
    assert (
        supervision_counts_for_year(year=2024).cases,
        supervision_counts_for_year(year=2024).decisions,
    ) == (1, 1)
    c2025 = supervision_counts_for_year(year=2025)
    assert (c2025.cases, c2025.decisions) == (1, 2)
    assert c2025.deficiency_categories == [("Lokaler", 1)]


def test_malmo_like_counts_by_authority_and_type_sum_to_totals(org):
    """ "IVO har fattat beslut i 20 ärenden … 15 beslut i 11 ärenden", in miniature."""
    quality = org.users["quality"]
    for i in range(3):  # 3 HVB cases, one with two decisions → 4 decisions in 3 cases
        decisions = [(date(2025, 2 + i, 1), ["bemanning"] if i else [])]
        if i == 2:
            decisions.append((date(2025, 9, 1), []))
        make_supervision(quality, [org.units["A1"]], reference=f"hvb-{i}", decisions=decisions)
    make_supervision(
        quality, [org.units["B1"]], type_code="lex-sarah", decisions=[(date(2025, 4, 1), [])]
    )
    make_supervision(
        quality,
        [org.units["B1"]],
        authority="jo",
        type_code="klagomal",
        decisions=[(date(2025, 5, 1), [])],
    )
    counts = supervision_counts_for_year(year=2025)
    ivo = counts.for_authority("ivo")
    assert (ivo.cases, ivo.decisions) == (4, 5)
    hvb = counts.row("ivo", "hvb")
    assert (hvb.cases, hvb.decisions, hvb.cases_with_deficiencies) == (3, 4, 2)
    assert (counts.for_authority("jo").cases, counts.for_authority("jk").cases) == (1, 0)
    assert counts.cases == sum(r.cases for r in counts.by_authority()) == 5
    assert counts.decisions == 6


def test_counts_limited_to_unit_subtree_and_visible_set(org):
    quality = org.users["quality"]
    make_supervision(quality, [org.units["A1"]], decisions=[(date(2025, 2, 1), [])])
    make_supervision(quality, [org.units["B1"]], decisions=[(date(2025, 2, 1), [])])
    assert supervision_counts_for_year(year=2025, unit=org.units["A"]).cases == 1
    assert supervision_counts_for_year(year=2025, unit=org.units["ASF"]).cases == 2
    visible = supervisions_visible_to(org.users["chef_b1"])
    assert supervision_counts_for_year(year=2025, supervisions=visible).cases == 1
    custom = supervision_counts(start=date(2025, 2, 1), end=date(2025, 2, 1), unit=org.units["B"])
    assert custom.cases == 1


def test_list_filters(org):
    quality = org.users["quality"]
    open_ = make_supervision(quality, [org.units["A1"]], decisions=[(date(2025, 2, 1), [])])
    jo = make_supervision(
        quality,
        [org.units["A1"]],
        authority="jo",
        type_code="klagomal",
        initiated_on=date(2023, 1, 1),
        decisions=[(date(2024, 2, 1), [])],
    )
    from cases.supervision import services as services

    services.supervision_close(supervision=jo, actor=quality, closed_on=date(2024, 3, 1))

    def pks(**params):
        return {s.pk for s in supervision_list(quality, params).qs}

    assert pks(myndighet="jo") == {jo.pk}
    assert pks(typ="hvb") == {open_.pk}
    assert pks(ar="2024") == {jo.pk}
    assert pks(status="open") == {open_.pk}
    assert pks(status="closed") == {jo.pk}
    assert pks() == {open_.pk, jo.pk}
