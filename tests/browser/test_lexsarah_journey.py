"""Lex Sarah in a real browser, from the report to the anmälan till IVO (issue #5).

A medarbetare reports a missförhållande; the unit's chef receives it, records an immediate
measure and names the lex Sarah-utredare; the investigator drafts the investigation and assesses
it as an allvarligt missförhållande; an AU member holds the meeting, decides severity and IVO
notification, downloads the anmälan as PDF and records the day it was sent.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Case, CaseKind
from lexsarah.models import Assessment, Investigation, IvoNotification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENTS = "Under kvällen lämnades en boende ensam i duschen i över en timme utan tillsyn."
MOTIVATION = (
    "Den boende utsattes för en allvarlig risk för sin hälsa och bemötandet bröt mot "
    "verksamhetens rutiner för tillsyn."
)


def _action(page, name):
    """One action's form on the case page (its `data-action`)."""
    return page.locator(f"form[data-action={name}]")


def _open(page, name):
    """Open an action that waits behind its button (a <details> disclosure)."""
    page.locator(f"#action-{name} > summary").click()
    return _action(page, name)


def _form(page, heading):
    """One of the POST forms on the investigation and AU pages, found by its visible heading."""
    return page.locator("form").filter(has=page.get_by_role("heading", name=heading, exact=True))


def _says(page, text: str) -> None:
    """The confirmation the user sees after a POST (retried until the new page is there)."""
    expect(page.locator(".messages")).to_contain_text(text)


def _logout(page) -> None:
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)


def _full_name(user) -> str:
    return user.get_full_name() or user.username


def test_lexsarah_report_to_ivo_notification(org, page, browser_login, screenshot):
    users = org.users
    today = timezone.localdate()

    # --- the medarbetare reports ------------------------------------------------------------
    browser_login(users["staff_a1"])
    page.get_by_role("link", name="Gör en lex Sarah-rapport").click()
    page.wait_for_url("**/lex-sarah/ny/")
    assert page.locator("h1").inner_text() == "Rapportera missförhållande (lex Sarah)"
    # The form starts on a missförhållande in the reporter's own unit.
    assert page.get_by_label("Missförhållande", exact=True).is_checked()
    assert page.get_by_label("Enhet där det hände").locator("option:checked").inner_text() == (
        "Sektion A1"
    )
    occurred = (timezone.localtime() - timedelta(days=1)).replace(hour=21, minute=30)
    page.get_by_label("När hände det?").fill(occurred.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Du rapporterar som").select_option(label="Anställd")
    page.get_by_label("Rubrik").fill("Boende lämnad utan tillsyn i duschen")
    page.get_by_label("Vad hände?").fill(EVENTS)
    page.get_by_label("Berörda personer").fill("En boende på avdelning 2")
    page.get_by_role("button", name="Skicka rapporten").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/lex-sarah/mina/")

    case = Case.objects.get(kind=CaseKind.LEXSARAH)
    reference = case.reference
    _says(page, f"Tack! Din rapport {reference} är registrerad och din chef har fått besked.")
    row = page.get_by_role("row").filter(has_text=reference)
    assert "Sektion A1" in row.inner_text() and "Rapporterad" in row.inner_text()
    _logout(page)

    # --- the chef receives, records an immediate measure and names the investigator ----------
    browser_login(users["chef_a1"])
    page.goto(f"/arenden/{reference}/")
    assert page.locator(".status").inner_text() == "Rapporterad"
    assert "Inga omedelbara åtgärder registrerade." in page.locator(".lexsarah-part").inner_text()
    receive = _action(page, "receive")  # the next step: open
    receive.get_by_label("Omedelbar åtgärd").fill(
        "Pratade med personalen på kvällspasset samma kväll."
    )
    receive.get_by_role("button", name="Ta emot rapporten").click()
    _says(page, "Rapporten är mottagen.")
    assert page.locator(".status").inner_text() == "Mottagen, omedelbara åtgärder"
    # Received once: the receive form is gone.
    assert _action(page, "receive").count() == 0

    measure = _open(page, "immediate")
    assert measure.get_by_label("Tidpunkt").input_value()  # prefilled with now
    measure.get_by_label("Omedelbar åtgärd").fill(
        "Extra personal insatt på avdelning 2 under kvällarna tills vidare."
    )
    measure.get_by_label("Omedelbar åtgärd").press("Tab")
    page.keyboard.press("Enter")  # Tab lands on "Spara omedelbar åtgärd"
    _says(page, "Den omedelbara åtgärden sparades.")
    part = page.locator(".lexsarah-part")
    assert "Pratade med personalen" in part.inner_text()
    assert "Extra personal insatt" in part.inner_text()

    investigator = users["investigator"]
    assign = _open(page, "assign")
    assign.get_by_label("Lex Sarah-utredare").select_option(label=_full_name(investigator))
    assign.get_by_role("button", name="Utse utredare").click()
    _says(page, "Utredaren är utsedd.")
    # The handläggare is shown in the status box beside the facts.
    status_box = page.get_by_role("region", name="Status och handläggning")
    assert _full_name(investigator) in status_box.inner_text()
    _logout(page)

    # --- the investigator starts, drafts and assesses -----------------------------------------
    browser_login(investigator)
    page.goto(f"/arenden/{reference}/")
    assert "Ingen utredning påbörjad." in page.locator(".lexsarah-part").inner_text()
    start = _action(page, "investigate")  # the next step: open
    assert start.get_by_label("Utredare").locator("option:checked").inner_text() == (
        _full_name(investigator)
    )
    start.get_by_role("button", name="Starta utredning").click()
    page.wait_for_url("**/lex-sarah/utredning/*/")
    inv = Investigation.objects.get()
    _says(page, "Utredningen är påbörjad.")
    assert page.locator("h1").inner_text() == f"Utredning av {reference}"
    assert f"{reference} (Sektion A1, Utredning pågår)" in page.locator("main").inner_text()

    form = page.locator("form.investigation-form")
    sections = {
        "Händelseförlopp": EVENTS,
        "Den enskildes syn": "Den boende berättar att hen ropade på hjälp flera gånger.",
        "Personalens syn": "Personalen trodde att en kollega hade ansvaret för duschen.",
        "Orsaksanalys": "Rutinen för överlämning mellan passen följdes inte.",
        "Bedömning (utredarens resonemang)": "Bristen i tillsynen var allvarlig.",
        "Förslag till åtgärder": "Ny rutin för överlämning och utbildning av all personal.",
    }
    for label, text in sections.items():
        form.get_by_label(label).fill(text)
    form.get_by_role("button", name="Spara utkast").click()
    page.wait_for_url(f"**/lex-sarah/utredning/{inv.pk}/")
    _says(page, "Utkastet sparades.")
    assert "Version 2" in page.locator("main p.meta").first.inner_text()
    for label, text in sections.items():
        assert page.get_by_label(label).input_value() == text  # the draft is kept
    history = page.get_by_role("region", name="Historik")
    assert f"{_full_name(investigator)} ändrade utredningen: Utkast sparat" in (
        history.inner_text()
    )
    screenshot("lexsarah-investigation")

    assess = _form(page, "Bedömning och avslut av utredningen")
    assess.get_by_label("Allvarligt missförhållande", exact=True).check()
    assess.get_by_label("Motivering").fill(MOTIVATION)
    assess.get_by_role("button", name="Spara bedömning").click()
    page.wait_for_url(f"**/lex-sarah/utredning/{inv.pk}/")
    _says(page, "Bedömningen sparades. Utredningen är färdig.")
    assert "färdig " + today.isoformat() in page.locator("main p.meta").first.inner_text()
    # Finished: the sections are read-only, and the investigation can only be reopened.
    assert page.locator("form.investigation-form").count() == 0
    assert page.get_by_role("heading", name="Händelseförlopp").is_visible()
    assert page.get_by_role("heading", name="Öppna utredningen igen").is_visible()
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"**/arenden/{reference}/")
    assert page.locator(".status").inner_text() == "Bedömd"
    part = page.locator(".lexsarah-part")
    assert "Allvarligt missförhållande" in part.inner_text()
    assert MOTIVATION in part.inner_text()
    assert "Ett missförhållande eller en risk ska behandlas av arbetsutskottet." in (
        part.inner_text()
    )
    _logout(page)

    # --- the AU member: meeting, agenda, decision ----------------------------------------------
    au = users["au"]
    browser_login(au)
    page.get_by_role("link", name="AU-sammanträden").click()
    page.wait_for_url("**/lex-sarah/au/")
    assert "Inga sammanträden ännu." in page.locator("main").inner_text()
    waiting = page.get_by_role("listitem").filter(has_text=f"Utredning av {reference}")
    assert reference in waiting.inner_text()
    new = _form(page, "Nytt sammanträde")
    new.get_by_label("Datum").fill(today.isoformat())
    new.get_by_label("Ordförande").select_option(label=_full_name(au))
    new.get_by_label(_full_name(au), exact=True).check()
    new.get_by_label("Rubrik").fill("Extra sammanträde lex Sarah")
    new.get_by_label("Rubrik").press("Enter")
    page.wait_for_url("**/lex-sarah/au/*/")
    _says(page, "Sammanträdet skapades.")
    # The meeting's own title is its heading (issue 18); its date stands right under it.
    assert page.locator("h1").inner_text() == "Extra sammanträde lex Sarah"
    assert f"Datum: {today.isoformat()}" in page.locator("main").inner_text()
    assert "Inga ärenden på dagordningen." in page.locator("main").inner_text()

    add = _form(page, "Lägg utredning på dagordningen")
    add.get_by_label("Utredning", exact=True).select_option(label=reference)
    add.get_by_label("Paragraf (§)").fill("12")
    add.get_by_label("Paragraf (§)").press("Enter")
    _says(page, "Utredningen lades på dagordningen.")
    item = page.locator("article.agenda-item")
    assert item.get_by_role("heading", name=f"§ 12 – Utredning av {reference}").is_visible()
    assert "Allvarligt missförhållande" in item.inner_text()

    decide = item.locator("form")
    # The investigator's assessment is the starting point of the AU's.
    assert decide.get_by_label("Allvarligt missförhållande", exact=True).is_checked()
    decide.get_by_label("Ja", exact=True).check()
    decide.get_by_label("Protokollsanteckning").fill(
        "Arbetsutskottet godkänner de föreslagna åtgärderna."
    )
    # A serious finding without an IVO notification is refused, and nothing typed is lost.
    decide.get_by_role("button", name="Spara beslut").click()
    summary = page.locator(".error-summary")
    assert (
        "Ett allvarligt missförhållande eller en påtaglig risk för ett sådant ska anmälas till IVO."
    ) in summary.inner_text()
    decide = page.locator("article.agenda-item form")
    assert decide.get_by_label("Ja", exact=True).is_checked()
    assert "godkänner" in decide.get_by_label("Protokollsanteckning").input_value()
    decide.get_by_label("Anmäl till IVO").check()
    decide.get_by_label("Anmäl till IVO").press("Tab")  # on to the Protokollsanteckning
    page.keyboard.press("Tab")  # and on to "Spara beslut"
    assert page.evaluate("document.activeElement.textContent") == "Spara beslut"
    page.keyboard.press("Enter")
    _says(page, "Arbetsutskottets beslut sparades.")
    decided = page.locator("article.agenda-item dl")
    assert "Allvarligt missförhållande" in decided.inner_text()
    assert "Anmäls till IVO\nJa" in decided.inner_text()
    assert "Åtgärderna räcker\nJa" in decided.inner_text()
    screenshot("lexsarah-au-meeting")

    # --- the anmälan till IVO: PDF, then the day it was sent ----------------------------------
    page.locator("article.agenda-item").get_by_role("link", name=reference, exact=True).click()
    page.wait_for_url(f"**/arenden/{reference}/")
    assert page.locator(".status").inner_text() == "Anmäld till IVO"
    ivo = page.get_by_role("heading", name="Anmälan till IVO", exact=True).locator(
        "xpath=following-sibling::dl[1]"
    )
    assert "Beslut av arbetsutskottet" in ivo.inner_text()
    assert "Inte skickad" in ivo.inner_text()
    notification = IvoNotification.objects.get(report__case=case)
    assert f"Skickas senast\n{timezone.localdate(notification.due_at).isoformat()}" in (
        ivo.inner_text()
    )
    assert (
        "Ett allvarligt missförhållande eller en påtaglig risk för ett sådant ska vara "
        "anmält till IVO."
    ) in page.locator(".lexsarah-part .notice").inner_text()

    # The PDF is served inline (the browser would show it); Alt+click is the user's "save
    # link", which Chromium turns into a download.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Anmälan till IVO som PDF").click(modifiers=["Alt"])
    download = download_info.value
    assert download.suggested_filename == f"anmalan-ivo-{reference}.pdf"
    with open(download.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert "Anmälan till Inspektionen för vård och omsorg (IVO)" in text
    assert reference in text
    assert "§ 12" in text

    sent = _action(page, "ivo_sent")  # the next step: open
    assert sent.get_by_label("Skickad till IVO").input_value() == today.isoformat()
    sent.get_by_label("IVO:s diarienummer").fill("3.5.1-12345/2025")
    sent.get_by_label("IVO:s diarienummer").press("Enter")
    _says(page, "Datumet då anmälan skickades till IVO sparades.")
    ivo = page.get_by_role("heading", name="Anmälan till IVO", exact=True).locator(
        "xpath=following-sibling::dl[1]"
    )
    assert f"Skickad till IVO\n{today.isoformat()} · 3.5.1-12345/2025" in ivo.inner_text()
    # Sent: nothing blocks closing any more, and IVO's decision can be recorded later.
    assert page.locator(".lexsarah-part .notice").count() == 0
    # Offered behind its disclosure (the form loads when it opens).
    assert page.locator("details[data-action=ivo_decision]").count() == 1
    assert page.locator("#action-ivo_decision > summary").inner_text() == "IVO:s beslut"
    assert _action(page, "close").count() == 1
    assert page.get_by_role("heading", name="Avsluta ärendet", exact=True).is_visible()
    screenshot("lexsarah-ivo-sent")

    notification.refresh_from_db()
    assert notification.sent_on == today and notification.ivo_reference == "3.5.1-12345/2025"
    case.refresh_from_db()
    assert case.status == "ivo"
    assert case.lexsarah.assessment == Assessment.SERIOUS and case.lexsarah.au_date == today
