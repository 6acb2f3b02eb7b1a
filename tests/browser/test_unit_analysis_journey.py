"""Sammanställning och analys in a real browser.

A sektionschef opens the prepared analysis of their unit, reads the figures, writes a
conclusion and a need for overarching measures, and submits; quality staff then find the
analysis submitted in the round's overview and the need in the förvaltning's roll-up.
"""

import pytest

from reports.analysis.models import UnitAnalysis
from tests.reports.unit_analysis_data import deviation, local, open_2025

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_analysis_journey(org, page, browser_login, screenshot):
    deviation(
        org.units["A1"],
        local(2025, 3, 3),
        title="Journalanteckning saknas",
        deficiencies=["dokumentation"],
        causes=["rutin-ej-foljd"],
    )
    deviation(org.units["A1"], local(2024, 3, 3), deficiencies=["dokumentation"])
    open_2025(org)

    # --- the sektionschef ------------------------------------------------------------------
    browser_login(org.users["chef_a1"])
    page.get_by_role("link", name="Sammanställning och analys").click()
    page.get_by_role("link", name="Sektion A1").click()
    page.wait_for_url("**/rapporter/analys/*/")
    types = page.get_by_role("table", name="Avslutade ärenden per typ")
    row = types.get_by_role("row", name="Kvalitetsavvikelser")
    assert row.get_by_role("cell").all_inner_texts() == ["1", "1"]
    deficiency = page.get_by_role("table", name="Bristområden i kvalitetsavvikelser")
    assert deficiency.get_by_role("row", name="Dokumentation").is_visible()
    assert page.get_by_role("link", name="AV-").first.is_visible()

    page.get_by_label("Mönster och trender").fill("Dokumentationen brister, som förra året.")
    page.get_by_label("Slutsatser och åtgärder").fill("Rutinen för journalföring gås igenom.")
    page.get_by_label("Analysen visar behov av övergripande åtgärder").check()
    page.get_by_label("Beskriv behovet av övergripande åtgärder").fill(
        "Förvaltningsgemensam utbildning i dokumentation"
    )
    page.get_by_role("heading", name="Analys", exact=True).scroll_into_view_if_needed()
    screenshot("enhetsanalys-utkast")
    page.get_by_role("button", name="Lämna in analysen").press("Enter")
    page.wait_for_load_state()
    assert "Analysen lämnades in." in page.locator(".messages").inner_text()
    assert "Inlämnad" in page.locator(".status").inner_text()
    assert page.get_by_role("button", name="Lämna in analysen").count() == 0

    analysis = UnitAnalysis.objects.get(round__year=2025, unit=org.units["A1"])
    assert analysis.status == "inlamnad" and analysis.needs_overarching_measures
    page.get_by_role("button", name="Logga ut").click()

    # --- quality staff -----------------------------------------------------------------------
    browser_login(org.users["quality"])
    page.get_by_role("link", name="Sammanställning och analys").click()
    page.get_by_role("link", name="Omgång 2025").click()
    status = page.get_by_role("table", name="Vilka har lämnat in")
    assert "Inlämnad" in status.get_by_role("row", name="Sektion A1").inner_text()
    assert "Utkast" in status.get_by_role("row", name="Sektion B1").inner_text()
    needs = page.locator("section", has=page.get_by_role("heading", name="Behov av övergripande"))
    assert "Förvaltningsgemensam utbildning i dokumentation" in needs.inner_text()
    summed = page.get_by_role("table", name="Avslutade ärenden per typ")
    assert summed.get_by_role("row", name="Kvalitetsavvikelser").get_by_role(
        "cell"
    ).all_inner_texts() == ["1", "1"]
    assert "Rutinen för journalföring gås igenom." in page.locator("main").inner_text()
    screenshot("enhetsanalys-oversikt")
