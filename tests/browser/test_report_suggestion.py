""" "Infoga förslag" in a real browser: the data block's suggested sentence goes into the
section's text, is autosaved like typed text and stays editable (issue 17 point 6)."""

import pytest
from playwright.sync_api import expect

from reports.editions.models import ReportBlock
from tests.reports.edition_data import dataset, edition  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_insert_suggestion_into_the_section_text(org, dataset, edition, page, browser_login):  # noqa: F811
    data = ReportBlock.objects.filter(
        section__edition=edition, kind="data", block_type="case_count"
    )
    block = next(
        b for b in data.select_related("section") if b.section.blocks.filter(kind="text").exists()
    )
    text = block.section.blocks.filter(kind="text").order_by("order", "id").first()
    browser_login(org.users["quality"])
    page.goto(edition.get_absolute_url())
    section = page.locator(f"#section-{block.section.pk}")
    section.locator(".report-figure").first.scroll_into_view_if_needed()
    button = section.get_by_role("button", name="Infoga förslag").first
    button.wait_for()
    suggestion = page.locator(f"#suggestion-{block.pk}").inner_text()
    assert "kvalitetsavvikelser" in suggestion or "klagomål" in suggestion
    area = page.locator(f"#text-{text.pk}")
    area.fill("Vår egen inledning.")
    button.click()
    expect(area).to_have_value(f"Vår egen inledning. {suggestion}")
    # Leaving the textarea saves the typed text, then the insert saves again (htmx queues it
    # behind the first and sends the new version): wait for the second save to land.
    expected = f"Vår egen inledning. {suggestion}"
    for _attempt in range(150):
        text.refresh_from_db()
        if text.text == expected:
            break
        page.wait_for_timeout(200)
    assert text.text == expected
    expect(page.locator(f"#status-{text.pk}")).to_contain_text("Sparat")
    # Still the writer's text: edit it and it saves again.
    area.fill(text.text + " Ändrad.")
    area.dispatch_event("change")
    expect(page.locator(f"#status-{text.pk}")).to_contain_text("Sparat")
