"""The inbox in the browser (issue 18 point 2): search by a part of the reference and by a
title word, a status list that follows the chosen type, Back restoring the filters together with
the list, and on a 390 px phone the first case row on the first screen. axe-core stays at 0."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deviations import services as deviation_services
from lexsarah.services import lexsarah_report_create
from tests.browser.axe import AxeReport, scan
from tests.browser.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = "#inbox-table tr[data-case-row]"


@pytest.fixture
def cases(org):
    chef = org.users["chef_a1"]
    made = {}
    for i, title in enumerate(
        ["Läkemedel gavs vid fel tidpunkt", "Journalanteckning saknas", "Beslut skickades sent"]
        + [f"Avvikelse nummer {n}" for n in range(8)]
    ):
        made[i] = deviation_services.deviation_create(
            unit=org.units["A1"],
            title=title,
            description=title + ".",
            occurred_on=timezone.localdate(),
            immediate_consequence="",
            concerns_child=False,
            at_absence_or_handover=False,
            actor=chef,
            reporter=chef,
        )
    made["lexsarah"] = lexsarah_report_create(
        unit=org.units["A1"],
        title="Brukaren lämnades ensam",
        description="Brukaren lämnades ensam en natt.",
        actor=chef,
        reporter=chef,
        notify=False,
    )
    return made


def _context(chromium, live_server, settings, **kwargs):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # bypass_csp only so that axe-core can be injected; the pages are unchanged.
    return chromium.new_context(base_url=live_server.url, locale="sv-SE", bypass_csp=True, **kwargs)


def _login(page, user):
    page.goto("/logga-in/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)
    expect(page.locator("main")).to_be_visible()


def _visible_status_groups(page) -> list[str]:
    return page.evaluate(
        """Array.from(document.querySelectorAll('#id_status optgroup'))
            .filter(g => !g.hidden).map(g => g.label)"""
    )


def test_search_type_status_and_back(org, cases, chromium, live_server, settings):
    context = _context(chromium, live_server, settings, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    report = AxeReport()
    _login(page, org.users["chef_a1"])
    page.goto("/inkorg/")
    expect(page.locator(ROWS)).to_have_count(12)
    expect(page.locator(".inbox-total")).to_have_text("12 ärenden")

    # A part of the reference: the number alone.
    target = cases[1].reference
    number = target.rsplit("-", 1)[1]
    page.locator("#inbox-q").press_sequentially(number, delay=30)
    expect(page.locator(f"{ROWS} a.reference")).to_have_text([target])
    assert f"q={number}" in page.url  # htmx pushed the filtered URL
    # A title word.
    page.fill("#inbox-q", "")
    page.locator("#inbox-q").press_sequentially("läkemedel", delay=30)
    expect(page.locator(f"{ROWS} a.reference")).to_have_text([cases[0].reference])
    page.fill("#inbox-q", "")
    page.locator("#inbox-q").press("Backspace")
    expect(page.locator(ROWS)).to_have_count(12)

    # The status list follows the type: only lex Sarah's statuses once it is chosen.
    assert len(_visible_status_groups(page)) == 3
    page.select_option("#id_kind", "lexsarah")
    page.wait_for_url(lambda url: "kind=lexsarah" in url)
    expect(page.locator(ROWS)).to_have_count(1)
    assert _visible_status_groups(page) == ["Lex Sarah"]
    page.select_option("#id_status", "lexsarah:rapporterad")
    page.wait_for_url(lambda url: "status=lexsarah%3Arapporterad" in url)
    expect(page.locator(ROWS)).to_have_count(1)
    # Choosing another type clears a status that belongs to lex Sarah, never a silent 0.
    page.select_option("#id_kind", "deviation")
    page.wait_for_url(lambda url: "kind=deviation" in url)
    expect(page.locator(ROWS)).to_have_count(11)
    assert page.input_value("#id_status") == ""
    assert _visible_status_groups(page) == ["Kvalitetsavvikelse"]
    assert "Alla typer" not in page.locator("#id_kind option:checked").inner_text()
    scan(page, "inkorg filtrerad", report)
    assert report.violations == [], report.violations

    # Back: the list and the dropdowns agree (lex Sarah, Rapporterad).
    page.go_back()
    expect(page.locator(f"{ROWS} a.reference")).to_have_text([cases["lexsarah"].reference])
    expect(page.locator("#id_kind")).to_have_value("lexsarah")
    expect(page.locator("#id_status")).to_have_value("lexsarah:rapporterad")
    page.go_back()
    expect(page.locator("#id_kind")).to_have_value("lexsarah")
    expect(page.locator("#id_status")).to_have_value("")
    page.go_back()
    expect(page.locator(ROWS)).to_have_count(12)
    expect(page.locator("#id_kind")).to_have_value("")
    scan(page, "inkorg efter Bakåt", report)
    assert report.violations == [], report.violations
    context.close()


def test_first_row_on_the_first_screen_of_a_phone(org, cases, chromium, live_server, settings):
    width, height = 390, 844
    context = _context(
        chromium,
        live_server,
        settings,
        viewport={"width": width, "height": height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    _login(page, org.users["chef_a1"])
    page.goto("/inkorg/")
    toggle = page.get_by_role("button", name="Fler filter")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#id_kind")).to_be_hidden()
    assert page.evaluate("window.scrollY") == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "mobil-inkorg-390.png"))
    box = page.locator(ROWS).first.bounding_box()
    assert box is not None and box["y"] + min(box["height"], 60) <= height, box
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    report = AxeReport()
    scan(page, "inkorg 390 px", report)
    # The filters open behind the one button, and work.
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#id_kind")).to_be_visible()
    page.select_option("#id_kind", "lexsarah")
    expect(page.locator(ROWS)).to_have_count(1)
    scan(page, "inkorg 390 px, filter öppna", report)
    assert report.violations == [], report.violations
    context.close()
