"""Klagomål in a real browser: a resident submits on /e-tjanst/ (keyboard), a sektionschef
receives and answers it on the case page, the resident reads the answer with the receipt code."""

import pytest
from playwright.sync_api import expect

from cases.complaints.models import Complaint
from cases.models import Case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_complains_chef_answers_resident_reads_reply(org, page, browser_login, screenshot):
    # --- the resident, no account -----------------------------------------------------------
    page.goto("/e-tjanst/")
    # First Tab lands on the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("Klagomål", exact=True).check()
    page.keyboard.press("Tab")  # radios are one tab stop; Tab goes on to the unit list
    assert page.evaluate("document.activeElement.name") == "unit"
    page.get_by_label("Vilken verksamhet gäller det?").select_option(label="Sektion A1")
    page.get_by_label("Berätta vad som hänt").fill(
        "Jag fick ett otrevligt bemötande när jag ringde om mitt beslut."
    )
    page.get_by_label("Ja, jag vill vara anonym").check()
    # Submit without the description first to see that nothing typed is lost on an error.
    page.get_by_label("Berätta vad som hänt").fill("")
    page.get_by_role("button", name="Skicka").click()
    summary = page.locator(".error-summary")
    assert "Berätta vad det gäller." in summary.inner_text()
    # The page's script moves focus to the summary after load: wait for it, as a user would.
    expect(page.locator("#form-error-summary")).to_be_focused()
    assert page.get_by_label("Ja, jag vill vara anonym").is_checked()
    summary.get_by_role("link", name="Berätta vad som hänt: Berätta vad det gäller.").press("Enter")
    page.keyboard.type("Jag fick ett otrevligt bemötande när jag ringde om mitt beslut.")
    page.get_by_role("button", name="Skicka").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/e-tjanst/tack/" in url)
    code = page.locator("#receipt-code").inner_text()
    reference = page.locator("#receipt-reference").inner_text()
    complaint = Complaint.objects.get(case__reference=reference)
    assert complaint.anonymous and complaint.case.unit == org.units["A1"]
    assert not (complaint.sender_email or complaint.sender_name or complaint.sender_phone)

    # --- the sektionschef --------------------------------------------------------------------
    chef = page.context.browser.new_context(
        base_url=page.url.split("/e-tjanst")[0], locale="sv-SE"
    ).new_page()
    chef.goto("/logga-in/")
    chef.fill("#id_username", org.users["chef_a1"].username)
    chef.fill("#id_password", "Testlosenord-123")
    chef.keyboard.press("Enter")
    chef.wait_for_url(lambda url: "/logga-in/" not in url)
    chef.goto(f"/arenden/{reference}/")
    chef.get_by_role("button", name="Ta emot ärendet").click()
    expect(chef.locator(".messages")).to_contain_text("Ärendet är mottaget")
    chef.locator("#action-assess > summary").click()  # behind its button: not the next step
    chef.get_by_label("Bemötande").check()
    chef.get_by_label("Nej", exact=True).check()
    chef.get_by_role("button", name="Spara bedömning").click()
    expect(chef.locator(".messages")).to_contain_text("Bedömningen sparades.")
    chef.get_by_label("Återkoppling till avsändaren").fill(
        "Tack för att du hörde av dig. Vi har pratat med personalen om hur vi bemöter dem som "
        "ringer och ber om ursäkt för det du upplevde."
    )
    chef.get_by_role("button", name="Spara och svara").click()
    expect(chef.locator(".messages")).to_contain_text("Ärendet är besvarat")
    assert Case.objects.get(reference=reference).status == "besvarad"
    chef.context.close()

    # --- the resident comes back with the code ------------------------------------------------
    page.goto("/e-tjanst/")
    page.get_by_role("link", name="Se svar på ditt ärende").click()
    page.get_by_label("Din kvittokod").fill(code.lower().replace("-", " "))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/e-tjanst/kvitto/arende/" in url)
    assert page.locator("#public-status").inner_text() == "Besvarad"
    assert "Vi har pratat med personalen" in page.locator("#public-reply").inner_text()
    assert org.users["chef_a1"].last_name not in page.content()
    screenshot("klagomal-kvitto-svar")
