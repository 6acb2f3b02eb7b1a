"""WCAG 2.1 A/AA with axe-core over the pages of the main journeys, for every role and for the
anonymous resident. Prints how many pages were scanned and how many violations were found.

Add a page here when a journey gains one: each entry is (label, url builder given the world).
"""

from datetime import date

import pytest
from django.urls import reverse

from cases.services.complaints import complaint_submit_public
from tests.browser.axe import AxeReport, scan
from tests.browser.conftest import CHROMIUM_ARGS, PASSWORD  # noqa: F401
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(org):
    """One object of each kind the pages show, all in Sektion A1."""
    chef = org.users["chef_a1"]
    submission = complaint_submit_public(
        unit=org.units["A1"], complaint_type="klagomal",
        description="Jag fick vänta länge på svar om mitt beslut.",
        sender_email="boende@example.se")
    analysis = make_analysis(chef, [org.units["A1"]], risks=[("Överlämning missas", 3, 4)])
    plan = make_plan(chef, org.units["A1"], year=date.today().year)
    return {
        "complaint": submission.complaint.case,
        "receipt_code": submission.receipt_code,
        "analysis": analysis,
        "plan": plan,
    }


# Pages per role. The receipt status page is reached through the lookup form below.
PUBLIC_PAGES = [
    ("e-tjänst: formulär", lambda w: reverse("public:complaint")),
    ("e-tjänst: kvittokod", lambda w: reverse("public:receipt")),
    ("inloggning", lambda w: reverse("login")),
]
ROLE_PAGES = {
    "staff_a1": [
        ("medarbetare: start", lambda w: reverse("start")),
        ("medarbetare: klagomål från personal", lambda w: reverse("complaints:staff_create")),
    ],
    "chef_a1": [
        ("chef: start", lambda w: reverse("start")),
        ("chef: klagomål", lambda w: w["complaint"].get_absolute_url()),
        ("chef: historik", lambda w: reverse("cases:history", args=[w["complaint"].reference])),
        ("chef: registrera klagomål", lambda w: reverse("complaints:register")),
        ("chef: loggkontroll", lambda w: reverse("cases:accesslog")),
        ("chef: riskanalyser", lambda w: reverse("riskanalysis:list")),
        ("chef: riskanalys med matris",
         lambda w: reverse("riskanalysis:detail", args=[w["analysis"].pk])),
        ("chef: egenkontroller", lambda w: reverse("selfcontrol:list")),
        ("chef: egenkontroll årsplan", lambda w: reverse("selfcontrol:year")),
        ("chef: egenkontrollplan", lambda w: reverse("selfcontrol:plan_detail",
                                                      args=[w["plan"].pk])),
    ],
    "quality": [
        ("kvalitet: start", lambda w: reverse("start")),
        ("kvalitet: import", lambda w: reverse("imports")),
    ],
    "au": [("AU: start", lambda w: reverse("start"))],
    "investigator": [("utredare: start", lambda w: reverse("start"))],
}


def _context(chromium, live_server):
    # bypass_csp lets axe's script in; the page under test is served as always.
    return chromium.new_context(base_url=live_server.url, locale="sv-SE", bypass_csp=True,
                                viewport={"width": 1280, "height": 900})


def _login(page, user):
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)


def _scan_all(page, pages, world, report):
    for label, url in pages:
        response = page.goto(url(world))
        assert response is not None and response.status == 200, (label, response and response.status)
        scan(page, label, report)


def test_main_journey_pages_have_no_wcag_violations(org, world, chromium, live_server, settings,
                                                    capsys):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    report = AxeReport()

    context = _context(chromium, live_server)
    page = context.new_page()
    _scan_all(page, PUBLIC_PAGES, world, report)
    # The receipt page, after the resident enters their code.
    page.goto(reverse("public:receipt"))
    page.get_by_label("Kvittokod").fill(world["receipt_code"])
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/kvitto/arende/" in url)
    scan(page, "e-tjänst: ärendets status", report)
    context.close()

    for username, pages in ROLE_PAGES.items():
        context = _context(chromium, live_server)
        page = context.new_page()
        _login(page, org.users[username])
        _scan_all(page, pages, world, report)
        context.close()

    with capsys.disabled():
        print("\n" + report.summary())
        for line in report.violations:
            print("  " + line)
    assert report.violations == [], "\n".join(report.violations)
    assert len(report.pages) == len(PUBLIC_PAGES) + 1 + sum(map(len, ROLE_PAGES.values()))
