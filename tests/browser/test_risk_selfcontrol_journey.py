"""Riskanalys and egenkontroll in a real browser.

A chef builds a risk analysis from a template, scores two risks, adds a measure and reads the
matrix; another chef runs a planned egenkontroll and turns a finding into a deviation.
"""

import pytest
from django.utils import timezone

from cases.models import CaseKind
from riskanalysis.models import RiskAnalysis
from selfcontrol.models import SelfControlRun
from tests.selfcontrol.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_risk_analysis_and_selfcontrol_journey(org, page, browser_login, screenshot):
    # --- chef 1: riskanalys from a template ----------------------------------------------------
    browser_login(org.users["chef_a1"])
    page.get_by_role("link", name="Riskanalyser").click()
    page.get_by_role("link", name="Ny riskanalys").click()
    page.get_by_label("Rubrik").fill("Digital post i stället för brev")
    page.get_by_label("Mall").select_option(
        label="Riskanalys inför förändring eller nytt arbetssätt"
    )
    page.get_by_label("Sektion A1 (A1)").check()
    page.get_by_label("Anledning").select_option(label="Nytt arbetssätt")
    page.get_by_label("Deltagare").fill("Sektionschef, två socialsekreterare, administratör")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url("**/riskanalyser/*/")
    assert page.locator("h1").inner_text() == "Digital post i stället för brev"

    analysis = RiskAnalysis.objects.get(title="Digital post i stället för brev")
    risks = list(analysis.risks.order_by("number"))
    assert len(risks) == 4  # the template's suggested risks

    for number, p, c in ((1, "3 Stor", "4 Allvarlig"), (2, "2 Liten", "2 Lindrig")):
        page.get_by_role("link", name=f"Bedöm eller ändra risk {number}").click()
        page.get_by_label("Sannolikhet").select_option(label=p)
        page.get_by_label("Konsekvens").select_option(label=c)
        page.get_by_role("button", name="Spara bedömning").click()
        page.wait_for_url(f"**/riskanalyser/{analysis.pk}/")

    block = page.locator(f"#risk-{risks[0].pk}")
    block.get_by_text("Lägg till åtgärd för risk 1").click()
    block.get_by_label("Åtgärd:", exact=True).fill(
        "Informera alla brukare per brev före övergången"
    )
    block.get_by_label("Klart senast").fill("2026-12-31")
    block.get_by_role("button", name="Spara åtgärd").click()
    page.wait_for_url(f"**/riskanalyser/{analysis.pk}/*")
    assert "Åtgärden sparades." in page.locator(".messages").inner_text()
    assert risks[0].measures.count() == 1

    matrix = page.get_by_role("table", name="Riskmatris")
    very_high = matrix.get_by_role("row", name="3 Stor").get_by_role("cell").nth(3)
    assert "Mycket hög" in very_high.inner_text() and "Risk 1" in very_high.inner_text()
    low = matrix.get_by_role("row", name="2 Liten").get_by_role("cell").nth(1)
    assert "Medel" in low.inner_text() and "Risk 2" in low.inner_text()
    page.get_by_role("heading", name="Riskmatris").scroll_into_view_if_needed()
    screenshot("riskanalys-matris")

    page.get_by_role("button", name="Logga ut").click()

    # --- chef 2: a planned egenkontroll with a finding -----------------------------------------
    year = timezone.localdate().year
    plan = make_plan(
        org.users["quality"],
        org.units["A1"],
        area="Aktgranskning av familjerättsliga ärenden",
        year=year,
        sample_rule="10 slumpvis valda akter",
        sample_size=10,
    )
    browser_login(org.users["chef_a"])
    page.get_by_role("link", name="Egenkontroller").click()
    page.get_by_role("link", name=plan.area).click()
    page.get_by_role("link", name=f"{year}-01-01–{year}-12-31").click()
    page.get_by_role("button", name="Påbörja egenkontrollen").click()
    assert "Pågår" in page.locator(".status").inner_text()

    page.get_by_role("link", name="Registrera resultat").click()
    page.get_by_label("Resultat:", exact=True).fill("10 akter granskades.")
    page.get_by_label("Iakttagelser").fill("I två akter saknades barnets synpunkter.")
    page.get_by_label("Brister").check()
    page.get_by_label("Dokumenterad").check()
    page.get_by_role("button", name="Spara").click()

    page.get_by_text("Registrera iakttagelse som avvikelse").click()
    page.get_by_label("Rubrik för avvikelsen").fill("Barnets synpunkter saknas i akt")
    page.get_by_role("button", name="Registrera avvikelse").click()
    assert "kvalitetsavvikelse" in page.locator(".messages").inner_text()

    run = SelfControlRun.objects.get(plan=plan)
    case = run.linked_cases.get()
    assert case.kind == CaseKind.DEVIATION and case.unit == org.units["A1"]
    assert page.get_by_role("link", name=case.reference).is_visible()

    page.get_by_role("button", name="Markera som klar").click()
    assert "Klar" in page.locator(".status").inner_text()
    screenshot("egenkontroll-med-avvikelse")
    run.refresh_from_db()
    assert run.status == "klar" and run.result == "brister"
