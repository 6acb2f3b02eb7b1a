"""Issue 18 in a real browser: a resident chooses an AREA (a verksamhetsområde above the
sections) on /e-tjanst/; the registrator finds the complaint under "Att fördela" in the inbox
and routes it to a section; that section's chef receives, answers and closes it; the resident
reads the reply with the receipt code. axe-core runs on the pages this journey adds."""

import pytest
from playwright.sync_api import expect

from cases.models import Case, CaseRouting, Role
from tests.browser.axe import AxeReport, scan
from tests.factories import UserFactory, make_unit, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Testlosenord-123"


def _staff(chromium, live_server, user):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        bypass_csp=True,  # lets axe's script in; the pages are served as always
        viewport={"width": 1280, "height": 900},
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.goto("/logga-in/")
    pg.fill("#id_username", user.username)
    pg.fill("#id_password", PASSWORD)
    pg.keyboard.press("Enter")
    pg.wait_for_url(lambda url: "/logga-in/" not in url)
    return pg


def test_resident_to_area_registrator_routes_section_chef_answers(
    org, page, chromium, live_server, screenshot, capsys
):
    # An area under avdelning B, with one section below it: the public form offers the area.
    area = make_unit("BV", "Verksamhetsområde BV", org.units["B"], "verksamhetsomrade")
    section = make_unit("BV1", "Sektion BV1", area)
    registrator = UserFactory(username="registrator", first_name="Rut", last_name="Registrator")
    member(registrator, org.units["ASF"], Role.REGISTRATOR)
    chef = UserFactory(username="chef_bv1", first_name="Bo", last_name="Sektionschef")
    member(chef, section, Role.SEKTIONSCHEF)
    report = AxeReport()

    # --- the resident chooses the area ------------------------------------------------------
    page.goto("/e-tjanst/")
    page.get_by_label("Klagomål", exact=True).check()
    page.get_by_label("Vilken verksamhet gäller det?").select_option(label="Verksamhetsområde BV")
    page.get_by_label("Berätta vad som hänt").fill("Ingen har svarat på min ansökan på en månad.")
    page.get_by_label("Ja, jag vill vara anonym").check()
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_url(lambda url: "/e-tjanst/tack/" in url)
    code = page.locator("#receipt-code").inner_text()
    reference = page.locator("#receipt-reference").inner_text()
    assert Case.objects.get(reference=reference).unit.code == "BV"

    # --- the registrator: "Att fördela" first in the inbox, then "Fördela" -------------------
    reg = _staff(chromium, live_server, registrator)
    reg.goto("/inkorg/")
    queue = reg.locator("#att-fordela")
    expect(queue.get_by_role("heading", name="Att fördela")).to_be_visible()
    expect(queue).to_contain_text(reference)
    assert scan(reg, "inkorg med att fördela", report) == []
    queue.get_by_role("link", name=reference).click()
    reg.wait_for_url(lambda url: f"/arenden/{reference}/" in url)
    assert scan(reg, "ärendesida med fördela", report) == []
    reg.get_by_label("Sektion", exact=True).select_option(label="Sektion BV1")
    reg.get_by_label("Motivering").first.fill("Gäller handläggningen i sektion BV1")
    reg.get_by_role("button", name="Fördela", exact=True).click()
    reg.wait_for_url(lambda url: "/inkorg/" in url)
    expect(reg.locator(".messages")).to_contain_text("Ärendet är fördelat till Sektion BV1")
    expect(reg.locator("#att-fordela")).not_to_contain_text(reference)
    screenshot("fordelning-inkorg", reg)
    reg.context.close()
    routing = CaseRouting.objects.get(case__reference=reference)
    assert (routing.to_unit, routing.routed_by) == (section, registrator)

    # --- the section's chef: receive, answer, close ------------------------------------------
    boss = _staff(chromium, live_server, chef)
    boss.goto("/inkorg/")
    expect(boss.locator("#inbox-results")).to_contain_text(reference)
    boss.goto(f"/arenden/{reference}/")
    boss.get_by_role("button", name="Ta emot ärendet").click()
    expect(boss.locator(".messages")).to_contain_text("Ärendet är mottaget")
    boss.get_by_label("Återkoppling till avsändaren").fill(
        "Tack för att du hörde av dig. Din ansökan är nu handlagd och beslutet skickas till dig."
    )
    boss.get_by_role("button", name="Spara och svara").click()
    expect(boss.locator(".messages")).to_contain_text("Ärendet är besvarat")
    # Closing is the expected next step once answered: its form is open.
    boss.get_by_label("Motivering till avslut").fill("Besvarat")
    boss.get_by_role("button", name="Avsluta", exact=True).click()
    expect(boss.locator(".messages")).to_contain_text("Ärendet är avslutat")
    boss.context.close()
    assert Case.objects.get(reference=reference).status == "avslutad"

    # --- the resident reads the reply -----------------------------------------------------
    page.goto("/e-tjanst/")
    page.get_by_role("link", name="Se svar på ditt ärende").click()
    page.get_by_label("Din kvittokod").fill(code)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/e-tjanst/kvitto/arende/" in url)
    assert "Din ansökan är nu handlagd" in page.locator("#public-reply").inner_text()

    with capsys.disabled():
        print("\n" + report.summary())
    assert report.violations == [], "\n".join(report.violations)


def test_organisation_settings_page_has_no_wcag_violations(org, chromium, live_server, capsys):
    report = AxeReport()
    pg = _staff(chromium, live_server, org.users["quality"])
    pg.goto("/organisation/")
    scan(pg, "organisationsuppgifter", report)
    pg.get_by_label("Organisationsnummer").fill("12")
    pg.get_by_label("Anledning till ändringen").fill("Test")
    pg.get_by_role("button", name="Spara").click()
    expect(pg.locator(".error-summary")).to_contain_text("tio siffror")
    scan(pg, "organisationsuppgifter med fel", report)
    pg.context.close()
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.violations == [], "\n".join(report.violations)


def test_au_pages_and_the_chairs_start_page_have_no_wcag_violations(
    org, chromium, live_server, capsys
):
    """Issue 18 point 4 touched the AU list, the meeting page and the start page (AU card)."""
    from datetime import timedelta

    from django.utils import timezone

    from lexsarah import services as lex

    today = timezone.localdate()
    lex.au_meeting_create(held_on=today - timedelta(days=14), actor=org.users["au"])
    upcoming = lex.au_meeting_create(held_on=today + timedelta(days=4), actor=org.users["au"])
    report = AxeReport()
    pg = _staff(chromium, live_server, org.users["au"])
    for label, url in [
        ("start (AU)", "/"),
        ("AU-sammanträden", "/lex-sarah/au/"),
        ("AU-sammanträde", f"/lex-sarah/au/{upcoming.pk}/"),
    ]:
        response = pg.goto(url)
        assert response is not None and response.status == 200, label
        scan(pg, label, report)
    expect(pg.locator("h1")).to_contain_text("Arbetsutskottets sammanträde")
    pg.goto("/")
    expect(pg.locator("#start-au-h")).to_be_visible()
    pg.context.close()
    with capsys.disabled():
        print("\n" + report.summary())
    assert report.violations == [], "\n".join(report.violations)
