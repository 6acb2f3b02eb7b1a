"""Unit analysis pages: permission matrix (invisible → 404, wrong role → 403), save, submit,
conflict message keeping what was typed, case list limited to visible cases, overview."""

import pytest
from django.urls import reverse

from cases.models import Case
from reports.analysis.models import UnitAnalysis
from tests.reports.unit_analysis_data import deviation, local, open_2025

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyses(org):
    open_2025(org)
    return {a.unit.code: a for a in UnitAnalysis.objects.select_related("unit")}


def _post(analysis, **overrides):
    data = {
        "patterns": "Mönster",
        "causes": "Orsaker",
        "conclusions": "Slutsats",
        "overarching_measures": "",
        "version": analysis.version,
    }
    data.update(overrides)
    return data


def test_chef_list_shows_only_units_they_lead(org, login, analyses):
    page = login(org.users["chef_a1"]).get(reverse("reports:analysis_list")).content.decode()
    assert "Sektion A1" in page and "Sektion B1" not in page and "Avdelning A" not in page
    page = login(org.users["chef_a"]).get(reverse("reports:analysis_list")).content.decode()
    assert "Avdelning A" in page and "Sektion A1" in page and "Sektion B1" not in page


@pytest.mark.parametrize(
    "username, status",
    [
        ("chef_a1", 200),
        ("chef_a", 200),
        ("quality", 200),
        ("chef_b1", 404),
        ("staff_a1", 403),
        ("au", 403),
        ("investigator", 403),
        ("admin", 403),
    ],
)
def test_detail_permission_matrix(org, login, analyses, username, status):
    url = reverse("reports:analysis_detail", args=[analyses["A1"].pk])
    assert login(org.users[username]).get(url).status_code == status


@pytest.mark.parametrize(
    "username, status",
    [
        ("chef_a1", 302),
        ("quality", 403),
        ("chef_b1", 404),
        ("staff_a1", 403),
    ],
)
def test_save_permission_matrix(org, login, analyses, username, status):
    analysis = analyses["A1"]
    url = reverse("reports:analysis_save", args=[analysis.pk])
    assert login(org.users[username]).post(url, _post(analysis)).status_code == status


def test_overview_only_for_quality_staff(org, login, analyses):
    url = reverse("reports:analysis_overview", args=[2025])
    assert login(org.users["chef_a1"]).get(url).status_code == 403
    assert login(org.users["staff_a1"]).get(url).status_code == 403
    assert login(org.users["quality"]).get(url).status_code == 200
    assert (
        login(org.users["quality"])
        .get(reverse("reports:analysis_overview", args=[1999]))
        .status_code
        == 404
    )


def test_save_then_submit_freezes(org, login, analyses):
    analysis = analyses["A1"]
    client = login(org.users["chef_a1"])
    response = client.post(reverse("reports:analysis_save", args=[analysis.pk]), _post(analysis))
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert (analysis.patterns, analysis.version, analysis.status) == ("Mönster", 2, "utkast")
    response = client.post(
        reverse("reports:analysis_submit", args=[analysis.pk]),
        _post(analysis, conclusions="Slutsatsen"),
        follow=True,
    )
    assert "Analysen lämnades in." in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == "inlamnad" and analysis.conclusions == "Slutsatsen"
    response = client.post(
        reverse("reports:analysis_save", args=[analysis.pk]),
        _post(analysis, conclusions="Ändrad"),
        follow=True,
    )
    assert "inlämnad och kan inte ändras" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.conclusions == "Slutsatsen"
    page = client.get(analysis.get_absolute_url()).content.decode()
    assert "Lämna in analysen" not in page and "låst" in page


def test_submit_without_conclusions_keeps_what_was_typed(org, login, analyses):
    analysis = analyses["A1"]
    response = login(org.users["chef_a1"]).post(
        reverse("reports:analysis_submit", args=[analysis.pk]),
        _post(analysis, conclusions="", patterns="Mitt skrivna mönster"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Skriv slutsatser innan analysen lämnas in." in page
    assert "Mitt skrivna mönster" in page


def test_concurrent_edit_shows_swedish_conflict_and_keeps_typed_text(org, login, analyses):
    analysis = analyses["A1"]
    stale = _post(analysis, conclusions="Min egen slutsats")
    login(org.users["chef_a"]).post(
        reverse("reports:analysis_save", args=[analysis.pk]),
        _post(analysis, conclusions="Chefens slutsats"),
    )
    response = login(org.users["chef_a1"]).post(
        reverse("reports:analysis_save", args=[analysis.pk]), stale
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Någon annan har sparat ändringar" in page
    assert "Min egen slutsats" in page and "Chefens slutsats" in page
    assert 'name="version" value="2"' in page  # the next save builds on the stored version
    analysis.refresh_from_db()
    assert analysis.conclusions == "Chefens slutsats"


def test_case_list_shows_only_visible_cases_but_counts_all(org, login, analyses):
    visible = deviation(org.units["A1"], local(2025, 1, 1), title="Synligt ärende")
    hidden = deviation(org.units["A1"], local(2025, 2, 1), title="Skyddat ärende")
    Case.objects.filter(pk=hidden.pk).update(skyddad=True)
    page = login(org.users["chef_a1"]).get(analyses["A1"].get_absolute_url()).content.decode()
    assert visible.reference in page and visible.get_absolute_url() in page
    assert hidden.reference not in page and "Skyddat ärende" not in page
    assert "1 ärende till som du inte har behörighet att se." in page


def test_case_list_past_its_limit_counts_only_invisible_cases_as_hidden(org, analyses):
    from reports.analysis.selectors import analysis_cases

    for day in (1, 2, 3):
        deviation(org.units["A1"], local(2025, 1, day))
    hidden = deviation(org.units["A1"], local(2025, 2, 1))
    Case.objects.filter(pk=hidden.pk).update(skyddad=True)
    shown, hidden_count = analysis_cases(org.users["chef_a1"], analyses["A1"], limit=2)
    assert len(shown) == 2 and hidden_count == 1


def test_overview_rolls_up_and_lists_needs(org, login, analyses):
    deviation(org.units["A1"], local(2025, 1, 1))
    deviation(org.units["B1"], local(2025, 1, 2))
    analysis = analyses["B1"]
    login(org.users["chef_b1"]).post(
        reverse("reports:analysis_submit", args=[analysis.pk]),
        _post(
            analysis,
            needs_overarching_measures="on",
            overarching_measures="Gemensam rutin för sekretess behövs",
        ),
    )
    page = (
        login(org.users["quality"])
        .get(reverse("reports:analysis_overview", args=[2025]))
        .content.decode()
    )
    assert "Gemensam rutin för sekretess behövs" in page
    assert "1 / 3" in page
    assert "summan är preliminär" in page


def test_quality_can_open_a_round(org, login):
    response = login(org.users["quality"]).post(
        reverse("reports:analysis_round_open"), {"year": 2024}
    )
    assert response.status_code == 302
    assert UnitAnalysis.objects.filter(round__year=2024).count() == 3
    assert (
        login(org.users["chef_a1"])
        .post(reverse("reports:analysis_round_open"), {"year": 2023})
        .status_code
        == 403
    )
