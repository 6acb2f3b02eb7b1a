"""Browser tests: the real Debian Chromium, headless, driven by Playwright (never a downloaded
browser). Screenshots go to test-artifacts/."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "Testlosenord-123"


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(_playwright):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium saknas: kör `make test` som installerar den.")
    browser = _playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def page(chromium, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture
def browser_login(page):
    """Log in through the real login form (keyboard only)."""

    def _login(user, password: str = PASSWORD):
        page.goto("/logga-in/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", password)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/logga-in/" not in url)
        return page

    return _login


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(exist_ok=True)

    def _shot(name: str, pg=None):
        target = ARTIFACTS / f"{name}.png"
        (pg or page).screenshot(path=str(target), full_page=True)
        return target

    return _shot


# Single sign-on journeys: real identity providers on 127.0.0.1 (tests/sso/).
from tests.sso.fixtures import mappings, oidc_provider, saml_idp  # noqa: E402, F401
