"""The login page in a real browser: keyboard login reaches the start page."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chef_logs_in_with_keyboard_and_sees_start(org, page, browser_login, screenshot):
    browser_login(org.users["chef_a1"])
    assert page.locator("h1").inner_text().startswith("Välkommen")
    # The skip link is the first focusable element and moves focus to the main content.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Hoppa till innehållet" in focused
    screenshot("start-sektionschef")
