"""Kvalitetsberättelse in a real browser: quality staff create an edition, write a narrative
section (autosave), compile, watch the progress bar finish, download the PDF, approve, and
find editing locked.

The broker is pointed at a dead Redis on purpose: the page must say the queue is unreachable
and keep the job pending. The test thread then does what the sweeper + worker would do, calls
the compile service for that job, and the polling page finishes on its own."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.models import Job
from reports.editions.compile import compile_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEAD_REDIS = "redis://127.0.0.1:6399/0"
INTRO = "Under året har förvaltningen arbetat systematiskt med avvikelser och egenkontroller."


def test_quality_staff_write_compile_download_approve(
    org, page, browser_login, screenshot, settings
):
    settings.CELERY_BROKER_URL = DEAD_REDIS
    browser_login(org.users["quality"])
    page.get_by_role("link", name="Rapporter", exact=True).click()
    page.get_by_label("Organisation").select_option(label="Förvaltningen (ASF)")
    page.get_by_label("År").fill("2025")
    page.get_by_label("Mall").select_option(label="Standard (Malmö 2025)")
    page.get_by_role("button", name="Skapa från mallen").click()
    page.wait_for_url(re.compile(r"/rapporter/\d+/$"))
    assert page.locator("h1").inner_text() == "Kvalitetsberättelse 2025"
    # The contents list shows the headings' own numbers only ("1 Inledning", not "1. 1 …").
    first = page.locator(".report-toc li").first
    assert first.inner_text().startswith("1 Inledning")
    assert first.evaluate("e => getComputedStyle(e).listStyleType") == "none"

    # Narrative beside the live figures; autosave after a pause in typing.
    editor = page.get_by_label("Text i Inledning")
    editor.fill("")
    editor.press_sequentially(INTRO[:30])
    editor.fill(INTRO)
    editor.press("End")
    block_id = editor.get_attribute("id").split("-")[1]
    status = page.locator(f"#status-{block_id}")
    status.get_by_text("Sparat").wait_for(timeout=8000)
    # Figures load when scrolled into view (hx-trigger="revealed").
    page.locator(".report-figure").nth(1).scroll_into_view_if_needed()
    page.locator("[data-block-type=case_count]").first.wait_for()
    assert (
        "har tagits emot 2025" in page.locator("[data-block-type=case_count]").first.inner_text()
        or "Inga klagomål" in page.locator("[data-block-type=case_count]").first.inner_text()
    )
    screenshot("kvalitetsberattelse-redigera")

    page.get_by_role("button", name="Kompilera PDF").click()
    page.wait_for_url(re.compile(r"/kompilera/\d+/$"))
    assert (
        "Kön för bakgrundsjobb går inte att nå just nu"
        in page.locator("#job-progress").inner_text()
    )
    job = Job.objects.get(kind="reports.compile")
    assert job.status == Job.Status.PENDING
    compile_run(job_id=job.pk)  # what the worker does once the queue is back
    page.locator("#job-state").get_by_text("Klar.").wait_for(timeout=8000)
    assert page.locator("#job-bar").get_attribute("value") == "100"
    screenshot("kvalitetsberattelse-klar")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ladda ner PDF").click()
    data = open(download_info.value.path(), "rb").read()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert INTRO.split()[0] in text and "Innehållsförteckning" in text

    page.get_by_role("link", name="Tillbaka till Kvalitetsberättelse 2025").click()
    page.get_by_role("button", name="Skicka på granskning").click()
    assert "Granskning" in page.locator("#edition-status").inner_text()
    # The same kvalitetsstrateg sent it to review: four eyes, or the exception with its reason.
    page.get_by_label("Skäl till undantag", exact=False).fill(
        "Förvaltningen har en kvalitetsstrateg"
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Godkänn").click()
    expect(page.locator("#edition-status")).to_contain_text("godkänd och låst")
    assert page.locator("textarea").count() == 0
    assert page.get_by_role("button", name="Kompilera PDF").count() == 0
    assert INTRO in page.locator(".report-text").first.inner_text()
    screenshot("kvalitetsberattelse-godkand")
