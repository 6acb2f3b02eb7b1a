"""Keyboard use (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7): the inbox shortcuts, the skip link as the
first Tab stop on every kind of page, and a visible focus on links and buttons."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from cases.complaints.services import complaint_submit_public
from deviations import services as deviation_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = "document.activeElement"


@pytest.fixture
def inbox_cases(org):
    """Three open cases the chef of Sektion A1 may handle."""
    chef = org.users["chef_a1"]
    for title in ("Beslut skickades för sent", "Journalanteckning saknas"):
        deviation_services.deviation_create(
            unit=org.units["A1"],
            title=title,
            description=title + ".",
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


def _row_index(page) -> int:
    return page.evaluate(
        "Array.from(document.querySelectorAll('#inbox-table tr[data-case-row]'))"
        ".indexOf(document.activeElement)"
    )


def _focus_ring(page) -> dict:
    return page.evaluate(f"""(() => {{
        const s = getComputedStyle({ACTIVE});
        return {{tag: {ACTIVE}.tagName, outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth,
                 boxShadow: s.boxShadow}};
    }})()""")


def _visible_ring(ring: dict) -> bool:
    outline = ring["outlineStyle"] not in ("none", "") and ring["outlineWidth"] not in ("0px", "")
    shadow = ring["boxShadow"] not in ("none", "")
    return outline or shadow


def test_inbox_shortcuts(org, inbox_cases, page, browser_login):
    browser_login(org.users["chef_a1"])
    page.goto(reverse("inbox:list"))
    rows = page.locator("#inbox-table tr[data-case-row]")
    expect(rows).to_have_count(3)
    assert _row_index(page) == -1

    # j / k (and the arrows once on a row) move a visible focus between rows.
    page.keyboard.press("j")
    assert _row_index(page) == 0
    ring = _focus_ring(page)
    assert ring["tag"] == "TR" and _visible_ring(ring), ring
    page.keyboard.press("j")
    assert _row_index(page) == 1
    page.keyboard.press("ArrowDown")
    assert _row_index(page) == 2
    page.keyboard.press("j")  # stays on the last row
    assert _row_index(page) == 2
    page.keyboard.press("k")
    assert _row_index(page) == 1
    page.keyboard.press("ArrowUp")
    assert _row_index(page) == 0

    # x toggles the row's checkbox (and marks the row), focus stays on the row.
    box = rows.nth(0).locator("input[type=checkbox]")
    assert not box.is_checked()
    page.keyboard.press("x")
    assert box.is_checked()
    expect(rows.nth(0)).to_have_class("selected")
    assert _row_index(page) == 0
    page.keyboard.press("x")
    assert not box.is_checked()

    # / goes to the search field; Esc there leaves it.
    page.keyboard.press("/")
    assert page.evaluate(f"{ACTIVE}.id") == "inbox-q"
    assert page.evaluate(f"{ACTIVE}.value") == ""  # the "/" was not typed into the field
    page.keyboard.press("Escape")
    assert page.evaluate(f"{ACTIVE}.id") != "inbox-q"

    # ? opens the help dialog, which lists every shortcut; Esc closes it and focus returns.
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Kortkommandon i inkorgen")
    expect(dialog).to_be_visible()
    assert page.evaluate(f"{ACTIVE}.id") == "inbox-help-close"
    text = dialog.inner_text()
    for shortcut in (
        "Nästa ärende",
        "Föregående ärende",
        "Öppna ärendet",
        "Markera eller avmarkera ärendet",
        "Gå till sökfältet",
        "Visa den här hjälpen",
        "Stäng hjälpen",
    ):
        assert shortcut in text
    for key in ("j", "k", "Enter", "o", "x", "/", "?", "Esc"):
        assert dialog.locator("kbd", has_text=key).count() >= 1, key
    # While the dialog is open the shortcuts do nothing.
    page.keyboard.press("j")
    assert _row_index(page) == -1
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate(f"{ACTIVE}.id") == "inbox-help-open"

    # The button opens it too; "Stäng" closes it and returns focus.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # focus is on "Stäng"
    expect(dialog).to_be_hidden()
    assert page.evaluate(f"{ACTIVE}.id") == "inbox-help-open"

    # j goes on from the row last visited (row 0 → 1); o opens the focused row as Enter does.
    page.keyboard.press("j")
    assert _row_index(page) == 1
    href = rows.nth(1).locator("a[data-open]").get_attribute("href")
    page.keyboard.press("o")
    page.wait_for_url(f"**{href}")


# Literal paths: the URLconf is not loaded when the module is collected.
PUBLIC = ["/e-tjanst/", "/e-tjanst/kvitto/", "/e-tjanst/tack/"]
STAFF = ["/", "/avvikelser/ny/", "/lex-sarah/ny/"]
CHEF = ["/inkorg/", "/riskanalyser/", "/tillsyn/"]


def _first_tab_is_skip_link(page, url: str) -> None:
    page.goto(url)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        f"({{cls: {ACTIVE}.className, href: {ACTIVE}.getAttribute('href'),"
        f" text: {ACTIVE}.textContent}})"
    )
    assert focused == {"cls": "skip-link", "href": "#main", "text": "Hoppa till innehållet"}, url
    # Shown when focused (it sits off-screen otherwise).
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, (url, box)
    assert _visible_ring(_focus_ring(page)), url
    page.keyboard.press("Enter")
    assert page.evaluate(f"{ACTIVE}.id") == "main", url
    # The next Tab goes into the main content, past the header and navigation.
    page.keyboard.press("Tab")
    assert page.evaluate(f"{ACTIVE}.closest('main') !== null"), url


def test_first_tab_lands_on_skip_link_which_moves_focus_to_main(org, page, browser_login):
    for url in PUBLIC:
        _first_tab_is_skip_link(page, url)
    # The login page is the one exception: its only task is to log in, so the username field
    # has autofocus. The skip link is still first in the tab order, Shift+Tab away.
    page.goto("/logga-in/")
    assert page.evaluate(f"{ACTIVE}.id") == "id_username"
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
        if page.evaluate(f"{ACTIVE}.className") == "skip-link":
            break
    assert page.evaluate(f"{ACTIVE}.className") == "skip-link"
    browser_login(org.users["staff_a1"])
    for url in STAFF:
        _first_tab_is_skip_link(page, url)
    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    browser_login(org.users["chef_a1"])
    for url in CHEF:
        _first_tab_is_skip_link(page, url)


def _tab_to(page, tag: str, limit: int = 40) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = _focus_ring(page)
        cls = page.evaluate(f"{ACTIVE}.className")
        if ring["tag"] == tag and cls != "skip-link":
            return ring
    raise AssertionError(f"ingen {tag} nåddes med Tab")


@pytest.mark.parametrize("url", ["/e-tjanst/", "/logga-in/"])
def test_focus_is_visible_on_links_and_buttons_public(page, url):
    page.goto(url)
    link = _tab_to(page, "A")
    assert _visible_ring(link), link
    button = _tab_to(page, "BUTTON", limit=60)
    assert _visible_ring(button), button


def test_focus_is_visible_on_links_and_buttons_inbox(org, inbox_cases, page, browser_login):
    browser_login(org.users["chef_a1"])
    page.goto(reverse("inbox:list"))
    link = _tab_to(page, "A")
    assert _visible_ring(link), link
    button = _tab_to(page, "BUTTON")
    assert _visible_ring(button), button
    # The outline colour differs from the background it sits on (not colour-neutral).
    colour = page.evaluate(f"getComputedStyle({ACTIVE}).outlineColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour
