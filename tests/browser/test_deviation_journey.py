"""Kvalitetsavvikelse in a real browser, from the one-minute report to "avslutad med åtgärd"
(issue #11, and the browser test issue #4 asked for).

A medarbetare reports a deviation with the keyboard; the sektionschef finds it in the inbox with
the keyboard only (j/↓ until the row has focus, Enter opens it), receives it, starts the
investigation, classifies it (bristområden and orsaker), adds a measure with a responsible
person and a due date, and closes it with measures.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.complaints.services import complaint_submit_public
from cases.models import Case, CaseKind
from deviations import services as deviation_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Beslutet om kontaktperson skickades inte till den enskilde inom utsatt tid."
TITLE = "Beslut om kontaktperson skickades inte"
MEASURE = "Rutinen för expediering av beslut gås igenom på nästa APT."
SUMMARY = "Rutinen för expediering följdes inte under semesterperioden."


def _action(page, name):
    """One action's form on the case page (its `data-action`)."""
    return page.locator(f"form[data-action={name}]")


def _open(page, name):
    """Open an action that waits behind its button (a <details> disclosure)."""
    page.locator(f"#action-{name} > summary").click()
    return _action(page, name)


def _says(page, text: str) -> None:
    expect(page.locator(".messages")).to_contain_text(text)


def _facts(page) -> str:
    return page.locator(".deviation-part dl.facts").first.inner_text()


def _full_name(user) -> str:
    return user.get_full_name() or user.username


def test_deviation_report_to_closed_with_measure(org, page, browser_login, screenshot):
    users = org.users
    today = timezone.localdate()
    # Other open cases in the chef's inbox, so the new one has to be found, not just taken.
    complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        description="Jag har inte fått svar på mitt mejl.",
    )
    deviation_services.deviation_create(
        unit=org.units["A1"],
        title="Journalanteckning saknas",
        description="Anteckning saknas.",
        occurred_on=today,
        immediate_consequence="",
        concerns_child=False,
        at_absence_or_handover=False,
        actor=users["chef_a1"],
        reporter=users["chef_a1"],
    )

    # --- the medarbetare reports, keyboard only ------------------------------------------------
    browser_login(users["staff_a1"])
    page.get_by_role("link", name="Rapportera en kvalitetsavvikelse").press("Enter")
    page.wait_for_url("**/avvikelser/ny/")
    assert page.locator("h1").inner_text() == "Rapportera avvikelse"
    unit = page.get_by_label("Enhet där det hände")
    assert unit.locator("option:checked").inner_text().strip() == "Sektion A1"
    assert page.get_by_label("När hände det?").input_value() == today.isoformat()
    page.get_by_label("När hände det?").fill((today - timedelta(days=2)).isoformat())
    page.get_by_label("Vad hände?").fill(DESCRIPTION)
    page.get_by_label("Vilken omedelbar konsekvens fick det?").fill(
        "Beslutet blev försenat en vecka."
    )
    page.get_by_label("Rubrik").fill(TITLE)
    page.get_by_label("Rubrik").press("Enter")  # Enter in a text field submits the form
    page.wait_for_url("**/avvikelser/*/kvitto/")
    assert page.locator("h1").inner_text() == "Tack! Avvikelsen är rapporterad"
    reference = page.locator("#deviation-reference").inner_text()
    receipt = page.locator(".receipt").inner_text()
    assert "Sektion A1" in receipt and "Rapporterad" in receipt
    case = Case.objects.get(reference=reference)
    assert case.kind == CaseKind.DEVIATION and case.reporter == users["staff_a1"]
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)

    # --- the sektionschef: inbox, keyboard only ----------------------------------------------
    chef = users["chef_a1"]
    browser_login(chef)
    page.get_by_role("link", name="Inkorg", exact=True).click()
    page.wait_for_url("**/inkorg/")
    rows = page.locator("#inbox-table tr[data-case-row]")
    expect(rows).to_have_count(3)
    target = rows.filter(has_text=reference)
    assert "Rapporterad" in target.inner_text() and TITLE in target.inner_text()
    page.locator("main h1").click()  # start from the page, not from a form field
    found = False
    for i in range(rows.count()):
        page.keyboard.press("j" if i % 2 == 0 else "ArrowDown")
        focused = page.evaluate(
            "document.activeElement.matches('tr[data-case-row]') && "
            "document.activeElement.innerText"
        )
        assert focused, "j/↓ ska flytta fokus till en rad"
        if reference in focused:
            found = True
            break
    assert found, "ärendet hittades inte med tangentbordet"
    # The focused row is visibly marked (WCAG 2.4.7).
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    screenshot("avvikelse-inkorg")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/arenden/{reference}/")
    assert page.locator("h1").inner_text() == f"{reference} {TITLE}"
    assert page.locator(".status").inner_text() == "Rapporterad"
    assert DESCRIPTION in page.locator("main").inner_text()

    # --- receive, start the investigation ---------------------------------------------------
    _action(page, "receive").get_by_role("button", name="Ta emot avvikelsen").click()
    _says(page, "Avvikelsen är mottagen.")
    assert page.locator(".status").inner_text() == "Mottagen"
    assert _action(page, "receive").count() == 0
    start = _action(page, "investigate")  # the next step: open
    start.get_by_label("Motivering").fill("Behöver utredas med handläggarna.")
    start.get_by_role("button", name="Påbörja utredning").click()
    _says(page, "Utredningen är påbörjad.")
    assert page.locator(".status").inner_text() == "Utredning pågår"

    # --- classify: bristområden and orsaker ---------------------------------------------------
    classify = _open(page, "classify")
    classify.get_by_label("Händelsekategori").select_option(label="Brister i handläggning")
    classify.get_by_label("Processer och rutiner", exact=True).check()
    classify.get_by_label("Handläggning", exact=True).check()
    classify.get_by_label("Rutin ej följd", exact=True).check()
    classify.get_by_label("Arbetsbelastning/bemanning", exact=True).check()
    classify.get_by_label("Konsekvens för den enskilde").select_option(
        label="Fördröjd insats eller beslut"
    )
    classify.get_by_role("button", name="Spara klassificering").click()
    _says(page, "Klassificeringen sparades.")
    facts = _facts(page)
    assert "Bristområden\nProcesser och rutiner, Handläggning" in facts
    assert "Orsaker\nRutin ej följd, Arbetsbelastning/bemanning" in facts
    assert "Konsekvens för den enskilde\nFördröjd insats eller beslut" in facts
    # What was saved is what the form shows next time.
    classify = _open(page, "classify")
    assert classify.get_by_label("Rutin ej följd", exact=True).is_checked()

    # --- a measure with a responsible person and a due date -----------------------------------
    due = today + timedelta(days=30)
    measure = _open(page, "measure")
    measure.get_by_label("Åtgärd", exact=True).fill(MEASURE)
    measure.get_by_label("Typ av åtgärd").select_option(label="Processer/rutiner/riktlinjer")
    measure.get_by_label("Ansvarig").select_option(label=_full_name(chef))
    measure.get_by_label("Klart senast").fill(due.isoformat())
    measure.get_by_role("button", name="Spara åtgärd").click()
    _says(page, "Åtgärden sparades.")
    row = (
        page.get_by_role("table", name="Åtgärder i ärendet")
        .get_by_role("row")
        .filter(has_text=MEASURE)
    )
    cells = row.get_by_role("cell").all_inner_texts()
    assert cells[:5] == [
        MEASURE,
        "Processer/rutiner/riktlinjer",
        "Verksamhet",
        _full_name(chef),
        due.isoformat(),
    ]

    # --- close "med åtgärd" (the next step while investigating: open) ----------------------
    close = _action(page, "close")
    close.get_by_label("Avslutad med åtgärd").check()
    close.get_by_label("Sammanfattning").fill(SUMMARY)
    # The measure is still planned: closing anyway is a deliberate choice.
    close.get_by_label("Jag vill avsluta trots att åtgärder inte är genomförda").check()
    close.get_by_role("button", name="Avsluta", exact=True).click()
    _says(page, "Avvikelsen är avslutad.")
    assert page.locator(".status").inner_text() == "Avslutad"
    assert "Utfall\nAvslutad med åtgärd" in _facts(page)
    assert SUMMARY in page.locator(".deviation-part").inner_text()
    # Closed: no handling forms any more.
    expect(page.locator("form[data-action]")).to_have_count(0)
    assert page.get_by_role("heading", name="Nästa steg").count() == 0
    screenshot("avvikelse-avslutad")

    case.refresh_from_db()
    assert case.status == "avslutad" and case.outcome == "med_atgard"
    assert case.closed_at is not None
    assert case.event_category.code == "handlaggning"
    assert {c.code for c in case.deviation.root_causes.all()} == {
        "rutin-ej-foljd",
        "arbetsbelastning",
    }
    assert {c.code for c in case.deviation.deficiencies.all()} == {
        "processer-rutiner",
        "handlaggning",
    }
    m = case.measures.get()
    assert m.responsible == chef and m.due_date == due

    # The closed case has left the inbox.
    page.goto("/inkorg/")
    expect(page.locator("#inbox-table tr[data-case-row]")).to_have_count(2)
    assert reference not in page.locator("#inbox-table").inner_text()
