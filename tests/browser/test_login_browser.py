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


def test_chef_enrols_two_factor_and_is_asked_at_the_next_login(
    org, page, browser_login, settings, screenshot
):
    """Production policy on: a sektionschef is sent to enrol, scans the key (read from the
    page, as an app would), keeps the recovery codes, and is asked for a code next time."""
    import base64

    from django_otp.oath import totp

    settings.AVVIKA_REQUIRE_2FA = True
    browser_login(org.users["chef_a1"])
    page.wait_for_url("**/tvafaktor/?next=/")
    page.get_by_role("button", name="Skapa nyckel").click()
    secret = page.locator("[data-totp-secret]").inner_text()
    page.fill("#id_token", f"{totp(base64.b32decode(secret)):06d}")
    page.keyboard.press("Enter")
    page.locator("[data-recovery-codes]").wait_for()
    codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    screenshot("two-factor-recovery-codes")
    page.get_by_role("link", name="Fortsätt").click()
    assert page.locator("h1").inner_text().startswith("Välkommen")

    page.get_by_role("button", name="Logga ut").click()
    browser_login(org.users["chef_a1"])
    page.wait_for_url("**/tvafaktor/?next=/")
    assert page.locator("[data-totp-secret]").count() == 0
    page.fill("#id_token", codes[0])  # the phone is at home: a recovery code
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/tvafaktor/" not in url)
    assert page.locator("h1").inner_text().startswith("Välkommen")
