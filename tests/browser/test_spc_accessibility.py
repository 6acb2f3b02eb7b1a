# ruff: noqa: F811  (pytest fixtures imported from tests.reports.edition_data)
"""axe-core (WCAG 2.1 A/AA) over the pages issue 17 points 4–6 touch, with their new parts
loaded: the statistics page with its signals, the signals page, the editor with an
"Infoga förslag" button, and a unit analysis with a signal chart."""

import pytest

from reports.analysis.models import UnitAnalysis
from tests.browser.axe import AxeReport, scan
from tests.browser.conftest import PASSWORD
from tests.reports.edition_data import dataset, edition  # noqa: F401
from tests.reports.spc_data import SHIFTED, plant, plant_all
from tests.reports.unit_analysis_data import open_2025

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(chromium, live_server, user):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/logga-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)
    return context, page


def test_signal_and_suggestion_pages_have_no_wcag_violations(
    org,
    dataset,
    edition,
    chromium,
    live_server,
    settings,  # noqa: F811
):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    plant_all(org)
    open_2025(org)
    plant(org.units["A1"], "deviation", SHIFTED, "SPCW", start=(2023, 6))
    report = AxeReport()
    query = f"unit={org.units['ASF'].pk}&year=2025&period_start_month=1"

    context, page = _page(chromium, live_server, org.users["quality"])
    page.goto(f"/rapporter/statistik/?{query}")
    page.locator("#signal-0").wait_for()  # htmx has loaded the signals
    scan(page, "statistik med signaler", report)
    page.goto(f"/rapporter/statistik/signaler/?{query}")
    scan(page, "signaler", report)
    page.goto(edition.get_absolute_url())
    page.locator(".report-figure").first.scroll_into_view_if_needed()
    page.get_by_role("button", name="Infoga förslag").first.wait_for()
    scan(page, "redigering med förslag", report)
    context.close()

    context, page = _page(chromium, live_server, org.users["chef_a1"])
    analysis = UnitAnalysis.objects.get(unit=org.units["A1"])
    page.goto(f"/rapporter/analys/{analysis.pk}/")
    page.get_by_text("Signaler och mönster").first.wait_for()
    scan(page, "enhetens analys med signaler", report)
    context.close()
    assert report.violations == [], "\n".join(report.violations)
