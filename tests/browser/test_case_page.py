"""The status-driven case page in a real browser (headless Chromium), keyboard only.

A sektionschef takes a freshly reported kvalitetsavvikelse from "rapporterad" to "avslutad" on
the two-column page: receive it, add a measure, mark the measure done, close. Only Tab,
Shift+Tab, Enter, Space and typing. After each save the page stays where the user was (htmx
swaps the changed parts; no reload, no jump to the top), focus is on what was acted on, and the
confirmation is in the live region (role=status).
"""

import pytest
from playwright.sync_api import expect

from cases.models import Case
from deviations.services import deviation_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = (
    "Beslutet om kontaktperson fattades den 2 november men skickades inte till den enskilde.\n\n"
    "Handläggaren var sjuk och ärendet låg kvar i utkorgen. Den enskilde ringde efter tre veckor "
    "och frågade varför inget hänt. Beslutet skickades samma dag.\n\n"
    "Det finns ingen rutin för vem som bevakar utkorgen vid frånvaro."
)
MEASURE = "Rutin för bevakning av utkorgen vid frånvaro tas fram och gås igenom på APT."
SUMMARY = "Utkorgen bevakades inte vid frånvaro. En rutin är införd."
ACTIVE = "document.activeElement"


def _tab_to(page, selector: str, *, back: bool = False, limit: int = 120) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    for _ in range(limit):
        if page.evaluate(f"(s) => !!{ACTIVE} && {ACTIVE}.matches(s)", selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"kom inte till {selector} med tangentbordet")


def _announced(page, text: str) -> None:
    expect(page.locator("#messages[role=status]")).to_contain_text(text)


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return r.bottom > 0 && r.top < window.innerHeight; }""",
        selector,
    )


def _stayed(page, section: str, scrolled_before: float) -> None:
    """No reload (the marker set before survives), still scrolled if it was, focus in the
    section acted on, and that section in view."""
    assert page.evaluate("window.__stayed === true"), "sidan laddades om"
    if scrolled_before > 0:
        assert page.evaluate("window.scrollY") > 0, "sidan hoppade till toppen"
    expect(page.locator(f"{section} :focus, {section}:focus")).to_have_count(1)
    assert _in_view(page, section)


def test_chef_handles_a_deviation_by_keyboard_on_the_two_column_page(
    org, page, browser_login, screenshot
):
    page.set_viewport_size({"width": 1366, "height": 900})
    chef = org.users["chef_a1"]
    case = deviation_create(
        unit=org.units["A1"],
        title="Beslut om kontaktperson skickades inte",
        description=DESCRIPTION,
        actor=org.users["staff_a1"],
        reporter=org.users["staff_a1"],
        immediate_consequence="Insatsen försenades tre veckor.",
    )
    browser_login(chef)
    page.goto(case.get_absolute_url())

    # --- the page: two columns, short enough to take in ------------------------------------------
    assert page.evaluate("document.documentElement.scrollHeight") < 1800
    side = page.locator("#handlaggning").bounding_box()
    main = page.locator(".case-main").bounding_box()
    assert side["x"] >= main["x"] + main["width"], "status och åtgärder ska stå till höger"
    assert side["y"] < main["y"] + 50  # side by side, not below
    # Only the expected next step is open; the other actions wait behind their buttons.
    expect(page.locator("#handlaggning form[data-action]:visible")).to_have_count(1)
    expect(page.get_by_role("button", name="Ta emot avvikelsen")).to_be_visible()
    expect(page.get_by_text("Lägg till åtgärd", exact=True)).to_have_count(1)
    screenshot("arende-avvikelse-tva-kolumner")
    page.evaluate("window.__stayed = true")

    # --- receive ----------------------------------------------------------------------------------
    _tab_to(page, "#id_receive-reason")
    page.keyboard.type("Sett, tas vidare i ledningsgruppen.")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.textContent.trim()") == "Ta emot avvikelsen"
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    _announced(page, "Avvikelsen är mottagen.")
    expect(page.locator("#case-status")).to_have_text("Mottagen")
    _stayed(page, "#handlaggning", scrolled)
    expect(page.locator("form[data-action=receive]")).to_have_count(0)

    # --- add a measure (in the measures section, behind its button) -----------------------------
    _tab_to(page, "#action-measure > summary")
    page.keyboard.press("Enter")
    # The form loads as its disclosure opens (htmx); focus stays on the button meanwhile.
    expect(page.locator("form[data-action=measure]")).to_be_visible()
    assert page.evaluate(f"{ACTIVE}.matches('#action-measure > summary')")
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.id") == "id_measure-description"
    page.keyboard.type(MEASURE)
    _tab_to(page, "form[data-action=measure] button[type=submit]")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    _announced(page, "Åtgärden sparades.")
    _stayed(page, "#atgarder", scrolled)
    row = page.locator("#atgarder tbody tr").filter(has_text=MEASURE)
    expect(row).to_contain_text("Planerad")

    # While the measure is planned, closing asks for a deliberate confirmation.
    _tab_to(page, "#action-close > summary", back=True)
    page.keyboard.press("Space")
    expect(page.locator("#id_close-confirm_open_measures")).to_have_count(1)
    page.keyboard.press("Space")  # closed again: the disclosure button still has focus

    # --- mark the measure done ---------------------------------------------------------------------
    _tab_to(page, "#atgarder form[data-action=measure_status] select")
    page.keyboard.type("Genomf")  # type-ahead in the closed list
    assert page.evaluate(f"{ACTIVE}.value") == "genomford"
    page.keyboard.press("Tab")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    _announced(page, "Åtgärdens status ändrades.")
    _stayed(page, "#atgarder", scrolled)
    expect(row).to_contain_text("Genomförd")

    # --- close -------------------------------------------------------------------------------------
    _tab_to(page, "#action-close > summary", back=True)
    page.keyboard.press("Space")
    expect(page.locator("form[data-action=close]")).to_be_visible()
    # Every measure done: no confirmation asked any more.
    expect(page.locator("#id_close-confirm_open_measures")).to_have_count(0)
    page.keyboard.press("Tab")  # the first outcome, "Avslutad med åtgärd"
    page.keyboard.press("Space")
    assert page.evaluate(f"{ACTIVE}.value") == "med_atgard"
    _tab_to(page, "#id_close-summary")
    page.keyboard.type(SUMMARY)
    _tab_to(page, "form[data-action=close] button[type=submit]")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    _announced(page, "Avvikelsen är avslutad.")
    expect(page.locator("#case-status")).to_have_text("Avslutad")
    _stayed(page, "#handlaggning", scrolled)
    # Closed: no handling forms at all.
    expect(page.locator("form[data-action]")).to_have_count(0)
    expect(page.locator(".deviation-part")).to_contain_text(SUMMARY)
    screenshot("arende-avvikelse-avslutad")

    case.refresh_from_db()
    assert case.status == "avslutad" and case.outcome == "med_atgard"
    assert case.measures.get().status == "genomford"
    assert Case.objects.get(pk=case.pk).history.latest().history_user == chef


def test_without_javascript_a_closed_action_opens_on_a_page_of_its_own(
    org, chromium, live_server, settings, screenshot
):
    """No script at all: the disclosure still opens (native <details>), its link leads to the
    form on its own page, a refused submit comes back on the case page with the form open and
    what was typed kept, and a good one lands in the section acted in."""
    from tests.browser.conftest import PASSWORD

    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(
        base_url=live_server.url, locale="sv-SE", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    staff = org.users["staff_a1"]
    case = deviation_create(
        unit=org.units["A1"],
        title="Beslut om kontaktperson skickades inte",
        description=DESCRIPTION,
        actor=staff,
        reporter=staff,
    )
    page.goto("/logga-in/")
    page.fill("#id_username", org.users["chef_a1"].username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)
    page.goto(case.get_absolute_url())

    # --- close: refused without an outcome, the summary kept ------------------------------------
    page.locator("#action-close > summary").click()
    page.get_by_role("link", name="Öppna formuläret – Avsluta avvikelsen").click()
    expect(page.get_by_role("heading", name="Avsluta avvikelsen", level=2)).to_be_visible()
    screenshot("arende-steg-utan-javascript", page)
    page.get_by_label("Sammanfattning").fill(SUMMARY)
    page.get_by_role("button", name="Avsluta").click()
    expect(page.locator(".error-summary")).to_contain_text("Välj hur avvikelsen avslutas.")
    assert page.url.endswith(f"/avvikelser/{case.reference}/avsluta/")
    expect(page.locator("#action-close.action-card")).to_be_visible()  # open, not behind
    expect(page.get_by_label("Sammanfattning")).to_have_value(SUMMARY)

    # --- a note: saved, back at the notes --------------------------------------------------------
    page.goto(case.get_absolute_url())
    page.locator("#action-note > summary").click()
    page.get_by_role("link", name="Öppna formuläret – Ny anteckning").click()
    page.get_by_role("textbox", name="Ny anteckning").fill("Ringt den enskilde.")
    page.get_by_role("button", name="Spara anteckning").click()
    page.wait_for_url(f"**{case.get_absolute_url()}#anteckningar")
    expect(page.locator("#anteckningar")).to_contain_text("Ringt den enskilde.")
    expect(page.locator("#messages")).to_contain_text("Anteckningen sparades.")
    context.close()
