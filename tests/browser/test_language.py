"""Swedish language and formats as the user sees them (WCAG 3.1.1; Språkrådet's rules).

What the app uses, and what is asserted here:
- the public e-service writes dates out in words: "1 december 2026" (Django `date:"j F Y"`,
  Swedish month names in lower case);
- staff pages use ISO 8601 dates, "2026-12-01" and "2026-12-01 09:30" (the form fields take
  the same format);
- report periods are written out: "1 januari–31 december 2026";
- counts are grouped with a no-break space, "1 258" (`sv_number`, `fmt`);
- percentages have a space before the sign: "40 %";
- the app shows no decimal numbers; Django's Swedish locale would give a decimal comma.
Every page has `<html lang="sv">` (also asserted on every page of the axe scan).
"""

import re

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from cases.complaints.services import complaint_submit_public
from cases.models import Job
from cases.services.jobs import job_create, job_progress, job_start
from reports.editions.blocks.base import fmt
from reports.editions.compile import JOB_KIND
from reports.editions.models import ReportTemplate
from reports.editions.periods import MONTHS
from reports.editions.services import edition_create
from reports.templatetags.report_tags import sv_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = "(?:" + "|".join(MONTHS) + ")"


def _swedish_long(day) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def test_public_pages_write_dates_in_swedish_words(org, page):
    submission = complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        description="Jag fick vänta länge på svar om mitt beslut.",
    )
    case = submission.complaint.case
    page.goto("/e-tjanst/kvitto/")
    assert page.get_attribute("html", "lang") == "sv"
    page.get_by_label("Kvittokod").fill(submission.receipt_code)
    page.keyboard.press("Enter")
    page.wait_for_url("**/kvitto/arende/")
    assert page.get_attribute("html", "lang") == "sv"
    facts = page.locator("main dl").first.inner_text()
    sent = re.search(r"Skickat\n(.+)", facts).group(1)
    assert re.fullmatch(rf"\d{{1,2}} {MONTH} \d{{4}}", sent), sent
    assert sent == _swedish_long(timezone.localdate(case.received_at))


def test_staff_pages_use_iso_dates_and_swedish_numbers(org, page, browser_login, settings):
    quality = org.users["quality"]
    submission = complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        description="Jag fick vänta länge på svar om mitt beslut.",
    )
    case = submission.complaint.case
    year = timezone.localdate().year
    edition = edition_create(
        unit=org.units["ASF"],
        year=year,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=quality,
        diarienummer="ASN-2026-00042",
        responsible="Förvaltningsdirektör",
        report_date=timezone.localdate(),
    )
    # A compile job halfway through, as the worker leaves it (no broker needed).
    job = job_create(kind=JOB_KIND, payload={"edition_id": edition.pk}, actor=quality)
    job_start(job_id=job.pk)
    job_progress(job_id=job.pk, progress=40)
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING

    browser_login(quality)
    assert page.get_attribute("html", "lang") == "sv"

    # The case page: ISO dates, local time.
    page.goto(case.get_absolute_url())
    facts = page.get_by_role("region", name="Uppgifter").inner_text()
    received = re.search(r"Inkom\n(.+)", facts).group(1)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", received), received
    assert received == timezone.localtime(case.received_at).strftime("%Y-%m-%d %H:%M")

    # The inbox: deadlines as ISO dates, ages in words ("0 dagar").
    page.goto("/inkorg/")
    row = page.locator("#inbox-table tr[data-case-row]").filter(has_text=case.reference)
    due = row.locator("td[data-label='Tidsfrist'] .meta").inner_text()
    assert due == timezone.localtime(case.due_at).strftime("%Y-%m-%d")
    assert re.fullmatch(r"\d+ dag(ar)?", row.locator("td[data-label='Ålder']").inner_text())

    # Statistics: the period is written out in Swedish, counts are plain integers.
    page.goto("/rapporter/statistik/")
    # The current year is partial (issue 17: "t.o.m." today), its period written out as well.
    # The blocks load one by one (htmx), in whatever order the server answers: the table's
    # rule is found by its period, not by its place.
    today = timezone.localdate()
    with translation.override("sv"):
        month = formats.date_format(today, "F")
    period = f"1 januari–{today.day} {month} {year}"
    expect(page.locator(".figure-rule", has_text=period).first).to_be_visible()
    for cell in page.locator("td.n").all_inner_texts()[:20]:
        assert re.fullmatch(r"\d{1,3}(\u00a0\d{3})*", cell), cell

    # Percentages: a space before the sign.
    page.goto(f"/rapporter/{edition.pk}/kompilera/{job.pk}/")
    expect(page.locator("#job-state")).to_have_text(re.compile(r"Pågår – 40[\u00a0 ]%"))

    # Grouping and decimals as the app formats them (no floats are shown anywhere today).
    assert sv_number(1258) == fmt(1258) == "1\u00a0258"
    with translation.override("sv"):
        assert formats.localize(12.5) == "12,5"
