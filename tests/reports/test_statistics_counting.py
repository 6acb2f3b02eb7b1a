"""Statistics (issue 16 point 3, issue 17 point 2): one computation for the statistics page,
the API and the kvalitetsberättelse; each event counted once under its final type; every
block selects by the date rule it prints; a year not yet over is labelled and compared with
the same part of the year before; the page's query count does not grow with the cases."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseUserObjectPermission, Membership, Role
from cases.selectors import cases_countable_by, cases_visible_to
from deviations import services as deviation_services
from reports.api import statistics_figures
from reports.editions.blocks import compute_block
from reports.editions.models import ReportTemplate
from reports.editions.selectors import edition_compute, statistics_scope, walk
from reports.editions.services import edition_create
from reports.editions.statistics import STAT_BLOCKS
from tests.factories import UserFactory, make_case, member
from tests.reports.edition_data import lexsarah

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STHLM)


def stats_page(client, org, year):
    response = client.get(
        "/rapporter/statistik/",
        {"unit": org.units["ASF"].pk, "year": year, "period_start_month": 1},
    )
    assert response.status_code == 200
    return response


def block(results, block_type, **params):
    for (t, p), result in zip(STAT_BLOCKS, results, strict=True):
        if t == block_type and p == params:
            return result
    raise AssertionError((block_type, params))


# Defaults a template spells out and the statistics page leaves implicit.
DEFAULTS = {
    "case_count": {"rule": "received", "period": "report"},
    "case_trend": {"rule": "received", "years": 5},
    "case_distribution": {"rule": "closed", "period": "analysis"},
    "lexsarah": {},
}


def _normal(block_type: str, params: dict) -> tuple:
    return block_type, tuple(sorted({**DEFAULTS.get(block_type, {}), **params}.items()))


def _reclassified(org) -> Case:
    chef = org.users["chef_a1"]
    staff = org.users["staff_a1"]
    case = deviation_services.deviation_create(
        unit=org.units["A1"], actor=staff, reporter=staff, title="Fel i beslut", description="x"
    )
    deviation_services.deviation_receive(case=case, actor=chef)
    return deviation_services.deviation_reclassify(
        case=case, target="lex_sarah", reason="Påtaglig risk för missförhållande", actor=chef
    ).target


def test_page_api_and_report_agree_figure_for_figure(org, dataset, login):
    """The same period (2025, over) through the page, the API and a compiled edition."""
    from django.test import Client

    from cases.services.integrations import integration_account_create, integration_account_grant

    user = org.users["quality"]
    edition = edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=user,
        report_date=date(2026, 2, 27),
    )
    page = stats_page(login(user), org, 2025).context["results"]
    admin = org.users["admin"]
    account, key = integration_account_create(name="BI", actor=admin, reason="Test")
    integration_account_grant(
        account=account,
        unit=org.units["ASF"],
        role=Role.KVALITETSSTRATEG,
        actor=admin,
        reason="Test",
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(
        "/api/v1/statistics/",
        {"unit": org.units["ASF"].pk, "year": 2025, "period_start_month": 1},
    )
    assert api.status_code == 200, api.content
    api_blocks = api.json()["blocks"]
    report = {
        _normal(b.block_type, b.params): node.results[b.pk]
        for node in walk(edition_compute(edition, user))
        for b in node.blocks
        if b.pk in node.results
    }
    compared = 0
    for (block_type, params), on_page, in_api in zip(STAT_BLOCKS, page, api_blocks, strict=True):
        assert in_api["figures"] == on_page["figures"], on_page["title"]
        assert [t["rows"] for t in in_api["tables"]] == [t["rows"] for t in on_page["tables"]]
        in_report = report.get(_normal(block_type, params))
        if in_report is None:
            continue
        compared += 1
        assert in_report["figures"] == on_page["figures"], on_page["title"]
        assert in_report["sentences"] == on_page["sentences"]
        assert in_report["rule_text"] == on_page["rule_text"]
        assert [t["rows"] for t in in_report["tables"]] == [t["rows"] for t in on_page["tables"]]
    # Counts, trends, the four deviation distributions and lex Sarah in figures.
    assert compared >= 10
    assert any(f["value"] for b in page for f in b["figures"])


def test_reclassified_deviation_counts_once_under_lex_sarah(org, login):
    lex = _reclassified(org)
    staff = org.users["staff_a1"]
    deviation_services.deviation_create(
        unit=org.units["A1"], actor=staff, reporter=staff, title="Annan", description="y"
    )
    # The statistics page (2026 up to today) …
    results = stats_page(login(org.users["quality"]), org, 2026).context["results"]
    assert block(results, "case_count", kind="deviation")["figures"][0]["value"] == 1
    assert block(results, "case_count", kind="lexsarah")["figures"][0]["value"] == 1
    assert block(results, "lexsarah")["figures"][0]["value"] == 1
    november = block(results, "case_months")["tables"][0]["rows"][10]
    assert november == ["november 2026", 0, 1, 1]
    # … and the kvalitetsberättelse of 2026 count the event once, as the lex Sarah report.
    edition = edition_create(
        unit=org.units["ASF"],
        year=2026,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=org.users["quality"],
        report_date=date(2027, 2, 27),
    )
    report = {
        _normal(b.block_type, b.params): node.results[b.pk]
        for node in walk(edition_compute(edition))
        for b in node.blocks
        if b.pk in node.results
    }
    deviations = report[_normal("case_count", {"kind": "deviation"})]
    assert deviations["figures"][0]["value"] == 1
    trend = report[_normal("case_trend", {"kind": "deviation"})]
    assert trend["tables"][0]["total"][-1] == 1
    assert report[_normal("lexsarah", {})]["figures"][0]["value"] == 1
    lex_trend = report[_normal("case_trend", {"kind": "lexsarah"})]
    assert lex_trend["tables"][0]["total"][-1] == 1
    assert Case.objects.filter(kind="deviation").count() == 2 and lex.kind == "lexsarah"


def _lexsarah_report(org, *, received, closed=None, assessment="", au_date=None):
    case = lexsarah(org.units["A1"], received, assessment, au_date)
    Case.objects.filter(pk=case.pk).update(closed_at=closed)  # test setup only
    return case


def test_lexsarah_patterns_select_by_the_au_date_they_print(org):
    """Seed 000 §4.2: the patterns in lex Sarah are the reports the AU handled with a finding
    in the analysis period (1 June–31 May), whatever their received or closing date."""
    _lexsarah_report(  # handled with a finding in the period
        org,
        received=at(2024, 3, 1, 10),
        closed=at(2025, 9, 1, 10),  # closed after the analysis period
        assessment="missforhallande",
        au_date=date(2024, 11, 5),
    )
    _lexsarah_report(  # closed in the period but never handled by the AU
        org, received=at(2024, 7, 1, 10), closed=at(2024, 12, 1, 10), assessment=""
    )
    _lexsarah_report(  # handled, but found nothing
        org, received=at(2024, 7, 1, 10), assessment="inget", au_date=date(2024, 11, 5)
    )
    edition = edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=org.users["quality"],
        report_date=date(2026, 2, 27),
    )
    node = next(
        n for n in walk(edition_compute(edition)) if n.section.title == "Mönster i lex Sarah"
    )
    (result,) = node.results.values()
    assert result["rule_text"] == (
        "Urval: AU-behandlade, räknat på datum för arbetsutskottets behandling, "
        "1 juni 2024–31 maj 2025."
    )
    assert result["figures"][0]["value"] == 1
    assert result["tables"][0]["total"] == ["Totalt", 1]
    # The section's narrative states the same rule.
    intro = next(n for n in walk(edition_compute(edition)) if n.section.title.startswith("Samman"))
    assert "arbetsutskottet har behandlat" in intro.blocks[0].text


def test_lexsarah_figures_state_each_date_rule(org, dataset):
    from reports.editions.blocks import BlockScope

    scope = BlockScope(unit=org.units["ASF"], year=2025, cases=Case.objects.all())
    text = compute_block("lexsarah", {}, scope)["rule_text"]
    for rule in (
        "inkomstdatum",
        "arbetsutskottets behandling",
        "beslutsdatum",
        "IVO:s beslutsdatum",
    ):
        assert rule in text


def test_partial_year_is_labelled_and_compared_with_the_same_part(org, login, clock):
    """Pinned clock: Monday 16 November 2026. The previous year counts up to 16 November."""
    unit = org.units["A1"]
    make_case(unit, "deviation", received_at=at(2026, 11, 16, 8))
    make_case(unit, "deviation", received_at=at(2025, 11, 16, 23, 30))  # same part: counted
    make_case(unit, "deviation", received_at=at(2025, 11, 17, 0, 10))  # after: not counted
    make_case(unit, "deviation", received_at=at(2025, 12, 20, 10))
    client = login(org.users["quality"])
    results = stats_page(client, org, 2026).context["results"]
    count = block(results, "case_count", kind="deviation")
    assert count["sentences"] == [
        "Lika många kvalitetsavvikelser har inkommit 2026 t.o.m. 16 november som "
        "2025 t.o.m. 16 november, 1 (1)."
    ]
    assert "1 januari–16 november 2026" in count["rule_text"]
    trend = block(results, "case_trend", kind="deviation")
    assert trend["tables"][0]["headers"][-2:] == [
        "2025 t.o.m. 16 november",
        "2026 t.o.m. 16 november",
    ]
    # A year that is over is a whole year.
    full = block(stats_page(client, org, 2025).context["results"], "case_count", kind="deviation")
    assert full["figures"][0]["value"] == 3 and "1 januari–31 december 2025" in full["rule_text"]

    # Another day: 5 March 2026 (the fixture's memberships start today: test setup only).
    Membership.objects.update(valid_from=date(2020, 1, 1))
    clock.move_to(at(2026, 3, 5, 12))
    make_case(unit, "deviation", received_at=at(2025, 3, 5, 18))
    make_case(unit, "deviation", received_at=at(2025, 3, 6, 9))
    make_case(unit, "deviation", received_at=at(2026, 1, 10, 9))
    make_case(unit, "deviation", received_at=at(2026, 3, 4, 9))
    march = block(stats_page(client, org, 2026).context["results"], "case_count", kind="deviation")
    assert march["sentences"] == [
        "Fler kvalitetsavvikelser har inkommit 2026 t.o.m. 5 mars än 2025 t.o.m. 5 mars, 2 (1)."
    ]
    months = block(stats_page(client, org, 2026).context["results"], "case_months")
    assert [r[0] for r in months["tables"][0]["rows"]] == [
        "januari 2026",
        "februari 2026",
        "mars 2026",
    ]


def test_statistics_query_count_does_not_grow_with_cases(org, dataset, login):
    client = login(org.users["quality"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            stats_page(client, org, 2025)
        return len(ctx.captured_queries)

    before = queries()
    for i, unit in enumerate(("A1", "A2", "B1") * 4):
        kind = ("deviation", "complaint", "lexsarah")[i % 3]
        make_case(org.units[unit], kind, received_at=at(2025, 1 + i, 3, 10))
    assert queries() == before
    assert before <= 25


def test_countable_is_the_visibility_rule(org):
    """cases_countable_by is cases_visible_to written as sets: the same cases for every role,
    skyddad cases and explicit grants included."""
    from django.contrib.auth.models import Permission

    units = org.units
    cases = [
        make_case(units["A1"], "deviation"),
        make_case(units["B1"], "complaint"),
        make_case(units["A2"], "lexsarah"),
        make_case(units["B1"], "lexsarah"),
    ]
    hidden = make_case(units["A1"], "deviation")
    Case.objects.filter(pk=hidden.pk).update(skyddad=True)
    granted_user = UserFactory(username="granted")
    member(granted_user, units["A1"], Role.MEDARBETARE)
    view = Permission.objects.get(codename="view_case", content_type__app_label="cases")
    for case in (hidden, cases[1]):
        CaseUserObjectPermission.objects.create(
            user=granted_user, permission=view, content_object=case
        )
    for user in [*org.users.values(), granted_user]:
        visible = set(cases_visible_to(user).values_list("pk", flat=True))
        assert set(cases_countable_by(user).values_list("pk", flat=True)) == visible, user
    assert hidden.pk in set(cases_countable_by(granted_user).values_list("pk", flat=True))
    assert hidden.pk not in set(
        cases_countable_by(org.users["quality"]).values_list("pk", flat=True)
    )


def test_api_statistics_use_the_same_blocks(org, dataset):
    _form, scope = statistics_scope(
        org.users["quality"],
        {"unit": str(org.units["ASF"].pk), "year": "2025", "period_start_month": "1"},
    )
    assert [b["figures"] for b in statistics_figures(scope)] == [
        compute_block(t, p, scope)["figures"] for t, p in STAT_BLOCKS
    ]
