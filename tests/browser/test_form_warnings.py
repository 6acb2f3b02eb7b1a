"""Kinder forms in a real browser (issue 18, point 3): after a refused submit focus is on the
error summary and its links lead into the fields; the personnummer warning appears under the
text box while typing, with its confirmation right there; axe-core finds nothing on these states
or on the reporter's own status page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from cases.models import Case
from deviations import services as deviation_services
from tests.browser.axe import AxeReport, scan
from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNR = "19850101-1234"


def _focused_class(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.className")


def _login(page, user):
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)


@pytest.fixture
def axe_page(chromium, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # bypass_csp lets axe's script in; the pages are served as always.
    context = chromium.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_deviation_form_summary_focus_and_personnummer_warning(org, axe_page):
    page, report = axe_page, AxeReport()
    _login(page, org.users["staff_a1"])
    page.goto(reverse("deviations:report"))
    warning = page.locator("#id_description_pnr")
    expect(warning).to_be_hidden()

    # A refused submit: the summary has focus, and a link moves focus into its field.
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert "error-summary" in _focused_class(page)
    expect(summary.get_by_role("link", name="Vad hände? Beskriv vad som hände.")).to_be_visible()
    scan(page, "avvikelse: felsammanfattning", report)
    summary.get_by_role("link", name="Vad hände? Beskriv vad som hände.").click()
    assert page.evaluate("() => document.activeElement.id") == "id_description"

    # Typing a personnummer shows the warning and its checkbox right under the text box.
    page.keyboard.type(f"Brukaren {PNR} fick fel beslut.")
    expect(warning).to_be_visible()
    confirm = warning.get_by_label("Jag har kontrollerat texten och vill skicka den ändå")
    expect(confirm).to_be_visible()
    scan(page, "avvikelse: personnummervarning", report)
    box = page.locator("#id_description").bounding_box()
    below = warning.bounding_box()
    assert box and below and 0 <= below["y"] - (box["y"] + box["height"]) < 40

    # Sent without confirming: refused, the text kept, the warning still there.
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    expect(page.locator("#id_description")).to_have_value(f"Brukaren {PNR} fick fel beslut.")
    expect(page.locator(".error-summary")).to_contain_text("personnummer")
    expect(warning).to_be_visible()
    scan(page, "avvikelse: personnummer nekat", report)
    warning.get_by_label("Jag har kontrollerat texten och vill skicka den ändå").check()
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_url(lambda url: "/kvitto/" in url)
    case = Case.objects.get(kind="deviation")
    assert PNR in case.description

    # Removing the number hides the warning again (a fresh form).
    page.goto(reverse("deviations:report"))
    page.locator("#id_description").fill(f"Brukaren {PNR}")
    expect(warning).to_be_visible()
    page.locator("#id_description").fill("Brukaren fick fel beslut.")
    expect(warning).to_be_hidden()
    assert report.violations == [], "\n".join(report.violations)


def test_public_form_summary_focus_and_warning(org, axe_page):
    page, report = axe_page, AxeReport()
    page.goto(reverse("public:complaint"))
    page.locator("#id_description").fill(f"Min pappa {PNR} fick inget svar.")
    expect(page.locator("#id_description_pnr")).to_be_visible()
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    assert "error-summary" in _focused_class(page)
    expect(page.locator("#id_description")).to_have_value(f"Min pappa {PNR} fick inget svar.")
    scan(page, "e-tjänst: felsammanfattning och personnummervarning", report)
    assert report.violations == [], "\n".join(report.violations)


def test_reporter_status_page_and_lex_sarah_form_have_no_violations(org, axe_page):
    page, report = axe_page, AxeReport()
    staff = org.users["staff_a1"]
    case = deviation_services.deviation_create(
        unit=org.units["A1"],
        title="Beslut skickades inte ut",
        description="Beslutet skickades aldrig.\nUpptäcktes efter tre veckor.",
        actor=staff,
        reporter=staff,
    )
    _login(page, staff)
    page.goto(case.get_absolute_url())
    expect(page.get_by_role("heading", name="Det här skrev du")).to_be_visible()
    scan(page, "medarbetare: status för egen avvikelse", report)
    page.goto(reverse("lexsarah:create"))
    page.get_by_role("button", name="Skicka rapporten").click()
    page.wait_for_load_state()
    assert "error-summary" in _focused_class(page)
    scan(page, "medarbetare: lex Sarah-rapport med fel", report)
    assert report.violations == [], "\n".join(report.violations)
