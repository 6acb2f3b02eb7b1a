"""Small screens (WCAG 1.4.10 Reflow): at 360×740 CSS pixels the public e-service and the inbox
work without horizontal scrolling, and the things a user came for can be seen and reached with
the keyboard. Screenshots: test-artifacts/mobil-*.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.complaints.services import complaint_submit_public
from deviations import services as deviation_services
from tests.browser.conftest import ARTIFACTS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH, HEIGHT = 360, 740
ACTIVE = "document.activeElement"


@pytest.fixture
def mobile(chromium, live_server, settings):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = chromium.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mobil-{name}.png"), full_page=True)


def _no_horizontal_scroll(page, where: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    wide = page.evaluate(f"""Array.from(document.querySelectorAll('body *'))
        .filter(el => el.getBoundingClientRect().right > {WIDTH} + 1
                      && getComputedStyle(el).visibility !== 'hidden'
                      && el.getClientRects().length)
        .slice(0, 5).map(el => el.tagName + (el.id ? '#' + el.id : '')
                           + (el.className ? '.' + el.className : ''))""")
    assert width <= WIDTH, f"{where}: scrollWidth {width} > {WIDTH}; för breda: {wide}"


def _tab_until(page, predicate_js: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"nåddes inte med Tab: {predicate_js}")


def _in_viewport_after_focus(page) -> bool:
    # The browser scrolls a focused element into view; it must then be inside the viewport.
    return page.evaluate(f"""(() => {{
        const r = {ACTIVE}.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= {WIDTH}
               && r.top >= 0 && r.bottom <= {HEIGHT};
    }})()""")


def test_public_form_on_a_small_screen(mobile):
    page = mobile
    page.goto("/e-tjanst/")
    _no_horizontal_scroll(page, "e-tjänst")
    submit = page.get_by_role("button", name="Skicka")
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_visible()
    box = submit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert box["height"] >= 24 and box["width"] >= 24  # WCAG 2.5.8 target size
    page.evaluate("window.scrollTo(0, 0)")
    _tab_until(page, f"{ACTIVE}.type === 'submit'")
    assert _in_viewport_after_focus(page)
    _shot(page, "e-tjanst")

    # The error summary after an empty submit also fits.
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_visible()
    _no_horizontal_scroll(page, "e-tjänst med fel")
    _shot(page, "e-tjanst-fel")


def test_receipt_lookup_on_a_small_screen(mobile):
    mobile.goto("/e-tjanst/kvitto/")
    _no_horizontal_scroll(mobile, "kvittokod")


def test_inbox_on_a_small_screen(org, mobile):
    page = mobile
    chef = org.users["chef_a1"]
    deviation_services.deviation_create(
        unit=org.units["A1"],
        title="Beslut om kontaktperson skickades inte i tid",
        description="Beslutet skickades för sent.",
        occurred_on=timezone.localdate(),
        immediate_consequence="",
        concerns_child=False,
        at_absence_or_handover=False,
        actor=chef,
        reporter=chef,
    )
    complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        description="Jag har inte fått svar på mitt mejl.",
    )
    page.goto("/logga-in/")
    _no_horizontal_scroll(page, "inloggning")
    page.fill("#id_username", chef.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)
    _no_horizontal_scroll(page, "start")

    page.goto("/inkorg/")
    _no_horizontal_scroll(page, "inkorg")
    first = page.locator("#inbox-table tr[data-case-row]").first
    first.scroll_into_view_if_needed()
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    # Reachable with the keyboard: Tab to the first row's case link …
    page.evaluate("window.scrollTo(0, 0)")
    _tab_until(page, f"{ACTIVE}.matches('#inbox-table tr[data-case-row] a[data-open]')")
    assert _in_viewport_after_focus(page)
    # … and with the inbox shortcut j, which gives the row itself focus.
    page.locator("main h1").click()
    page.keyboard.press("j")
    assert page.evaluate(f"{ACTIVE}.matches('tr[data-case-row]')")
    _shot(page, "inkorg")

    # The opened case page fits as well.
    page.keyboard.press("Enter")
    page.wait_for_url("**/arenden/*/")
    _no_horizontal_scroll(page, "ärende")
    _shot(page, "arende")
