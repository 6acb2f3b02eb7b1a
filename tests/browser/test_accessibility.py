"""WCAG 2.1 A/AA with axe-core over the pages of the main journeys, for every role and for the
anonymous resident. Prints how many pages were scanned and how many violations were found, and
checks `<html lang="sv">` on every scanned page (WCAG 3.1.1). The objects the pages show are built
through the services in the `world` fixture.

Add a page here when a journey gains one: each entry is (label, url builder given the world).
"""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.complaints.services import complaint_submit_public
from deviations import services as deviation_services
from lexsarah import services as lexsarah_services
from reports.analysis.models import UnitAnalysis
from reports.editions.models import ReportTemplate
from reports.editions.services import edition_create
from reports.services import development_area_create
from tests.browser.axe import AxeReport, scan
from tests.browser.conftest import CHROMIUM_ARGS, PASSWORD  # noqa: F401
from tests.reports.unit_analysis_data import open_2025
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan
from tests.supervision.factories import make_supervision

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lexsarah_report(org, title):
    staff = org.users["staff_a1"]
    return lexsarah_services.lexsarah_report_create(
        unit=org.units["A1"],
        title=title,
        description="Kvällspersonalen gav fel dos.",
        actor=staff,
        reporter=staff,
        reporter_type="anstalld",
        notify=False,
    )


def _lexsarah_world(org):
    """A report on the AU's agenda, one just reported, one under investigation (a draft)."""
    chef, investigator, au = (org.users[k] for k in ("chef_a1", "investigator", "au"))
    on_agenda = _lexsarah_report(org, "Brukare fick fel läkemedel")
    lexsarah_services.lexsarah_receive(
        case=on_agenda, actor=chef, immediate_measure="Läkare kontaktades samma kväll."
    )
    lexsarah_services.lexsarah_assign_investigator(
        case=on_agenda, assignee=investigator, actor=chef
    )
    finished = lexsarah_services.investigation_create(cases=[on_agenda], actor=investigator)
    lexsarah_services.investigation_save_draft(
        investigation=finished,
        expected_version=finished.version,
        actor=investigator,
        data={
            "events": "Fel dos gavs vid kvällsmedicineringen.",
            "cause_analysis": "Signeringslistan var inte uppdaterad.",
        },
    )
    finished.refresh_from_db()
    lexsarah_services.investigation_assess(
        investigation=finished,
        assessment="missforhallande",
        actor=investigator,
        motivation="Den boende fick fel läkemedel, vilket är ett missförhållande.",
    )
    meeting = lexsarah_services.au_meeting_create(
        held_on=timezone.localdate(), actor=au, chair=au, members=[au], title="Ordinarie"
    )
    lexsarah_services.agenda_item_add(meeting=meeting, investigation=finished, actor=au)

    reported = _lexsarah_report(org, "Boende lämnad utan tillsyn")

    drafting = _lexsarah_report(org, "Larm besvarades inte")
    lexsarah_services.lexsarah_receive(case=drafting, actor=chef)
    lexsarah_services.lexsarah_assign_investigator(case=drafting, assignee=investigator, actor=chef)
    draft = lexsarah_services.investigation_create(cases=[drafting], actor=investigator)
    lexsarah_services.investigation_save_draft(
        investigation=draft,
        expected_version=draft.version,
        actor=investigator,
        data={"events": "Larmet från rum 4 besvarades efter 40 minuter."},
    )
    return {
        "lexsarah_au": on_agenda,
        "lexsarah_reported": reported,
        "meeting": meeting,
        "investigation": draft,
        "investigation_done": finished,
    }


@pytest.fixture
def world(org):
    """One object of each kind the pages show, all in Sektion A1, built through services."""
    chef, quality = org.users["chef_a1"], org.users["quality"]
    today = timezone.localdate()
    submission = complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        description="Jag fick vänta länge på svar om mitt beslut.",
        sender_email="boende@example.se",
    )
    analysis = make_analysis(chef, [org.units["A1"]], risks=[("Överlämning missas", 3, 4)])
    plan = make_plan(chef, org.units["A1"], year=today.year)
    deviation = deviation_services.deviation_create(
        unit=org.units["A1"],
        title="Beslut skickades för sent",
        description="Beslutet om kontaktperson skickades inte inom utsatt tid.",
        occurred_on=today,
        immediate_consequence="Beslutet blev försenat.",
        concerns_child=False,
        at_absence_or_handover=True,
        actor=org.users["staff_a1"],
        reporter=org.users["staff_a1"],
    )
    supervision = make_supervision(
        quality, [org.units["A1"]], decisions=[(date(2025, 5, 5), ["dokumentation"])]
    )
    area = development_area_create(
        actor=chef,
        unit=org.units["A1"],
        year_decided=today.year,
        title="Dokumentation i utredningar",
        background="Bristande dokumentation i avvikelserna.",
        actions="Utbildning för alla handläggare.",
    )
    open_2025(org)
    unit_analysis = UnitAnalysis.objects.get(round__year=2025, unit=org.units["A1"])
    edition = edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=quality,
        diarienummer="ASN-2026-00042",
        responsible="Förvaltningsdirektör",
        report_date=date(2026, 2, 27),
    )
    return {
        "complaint": submission.complaint.case,
        "receipt_code": submission.receipt_code,
        "analysis": analysis,
        "plan": plan,
        "deviation": deviation,
        "supervision": supervision,
        "area": area,
        "unit_analysis": unit_analysis,
        "edition": edition,
        **_lexsarah_world(org),
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
        ("medarbetare: rapportera avvikelse", lambda w: reverse("deviations:report")),
        (
            "medarbetare: kvitto avvikelse",
            lambda w: reverse("deviations:receipt", args=[w["deviation"].reference]),
        ),
        ("medarbetare: lex Sarah-rapport", lambda w: reverse("lexsarah:create")),
        ("medarbetare: mina lex Sarah-rapporter", lambda w: reverse("lexsarah:mine")),
    ],
    "chef_a1": [
        ("chef: start", lambda w: reverse("start")),
        ("chef: inkorg", lambda w: reverse("inbox:list")),
        ("chef: avvikelse", lambda w: w["deviation"].get_absolute_url()),
        ("chef: lex Sarah rapporterad", lambda w: w["lexsarah_reported"].get_absolute_url()),
        ("chef: tillsyn", lambda w: reverse("supervision:list")),
        (
            "chef: tillsynsärende",
            lambda w: reverse("supervision:detail", args=[w["supervision"].pk]),
        ),
        ("chef: utvecklingsområden", lambda w: reverse("reports:development_area_list")),
        (
            "chef: utvecklingsområde",
            lambda w: reverse("reports:development_area_detail", args=[w["area"].pk]),
        ),
        ("chef: sammanställning och analys", lambda w: reverse("reports:analysis_list")),
        (
            "chef: enhetens analys",
            lambda w: reverse("reports:analysis_detail", args=[w["unit_analysis"].pk]),
        ),
        ("chef: klagomål", lambda w: w["complaint"].get_absolute_url()),
        ("chef: historik", lambda w: reverse("cases:history", args=[w["complaint"].reference])),
        (
            "chef: historik avvikelse",
            lambda w: reverse("cases:history", args=[w["deviation"].reference]),
        ),
        (
            "chef: historik tillsyn",
            lambda w: reverse("supervision:history", args=[w["supervision"].pk]),
        ),
        ("chef: registrera klagomål", lambda w: reverse("complaints:register")),
        ("chef: loggkontroll", lambda w: reverse("cases:accesslog")),
        ("chef: riskanalyser", lambda w: reverse("riskanalysis:list")),
        (
            "chef: riskanalys med matris",
            lambda w: reverse("riskanalysis:detail", args=[w["analysis"].pk]),
        ),
        ("chef: egenkontroller", lambda w: reverse("selfcontrol:list")),
        ("chef: egenkontroll årsplan", lambda w: reverse("selfcontrol:year")),
        (
            "chef: egenkontrollplan",
            lambda w: reverse("selfcontrol:plan_detail", args=[w["plan"].pk]),
        ),
    ],
    "quality": [
        ("kvalitet: start", lambda w: reverse("start")),
        ("kvalitet: import", lambda w: reverse("imports")),
        ("kvalitet: inkorg", lambda w: reverse("inbox:list")),
        (
            "kvalitet: analysomgång (översikt)",
            lambda w: reverse("reports:analysis_overview", args=[2025]),
        ),
        ("kvalitet: kvalitetsberättelser", lambda w: reverse("reports:edition_list")),
        (
            "kvalitet: kvalitetsberättelse",
            lambda w: reverse("reports:edition_detail", args=[w["edition"].pk]),
        ),
        ("kvalitet: statistik", lambda w: reverse("reports:statistics")),
        ("kvalitet: tillsyn", lambda w: reverse("supervision:list")),
        ("kvalitet: arkivleveranser", lambda w: reverse("archive:list")),
        ("kvalitet: gallring och bevarande", lambda w: reverse("archive:plan")),
    ],
    "au": [
        ("AU: start", lambda w: reverse("start")),
        ("AU: inkorg", lambda w: reverse("inbox:list")),
        ("AU: sammanträden", lambda w: reverse("lexsarah:au_list")),
        ("AU: sammanträde", lambda w: reverse("lexsarah:au_meeting", args=[w["meeting"].pk])),
        ("AU: lex Sarah-ärende", lambda w: w["lexsarah_au"].get_absolute_url()),
    ],
    "investigator": [
        ("utredare: start", lambda w: reverse("start")),
        (
            "utredare: utredning (utkast)",
            lambda w: reverse("lexsarah:investigation", args=[w["investigation"].pk]),
        ),
        (
            "utredare: utredning (bedömd)",
            lambda w: reverse("lexsarah:investigation", args=[w["investigation_done"].pk]),
        ),
    ],
}


def _context(chromium, live_server):
    # bypass_csp lets axe's script in; the page under test is served as always.
    return chromium.new_context(
        base_url=live_server.url,
        locale="sv-SE",
        bypass_csp=True,
        viewport={"width": 1280, "height": 900},
    )


def _login(page, user):
    page.goto(reverse("login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/logga-in/" not in url)


def _scan(page, label, report):
    # Every page says it is in Swedish (WCAG 3.1.1), so screen readers pronounce it right.
    assert page.get_attribute("html", "lang") == "sv", label
    scan(page, label, report)


def _scan_all(page, pages, world, report):
    for label, url in pages:
        response = page.goto(url(world))
        assert response is not None and response.status == 200, (
            label,
            response and response.status,
        )
        _scan(page, label, report)


# One test per group of pages, so that xdist workers share them (all in one test was 80 s).
@pytest.mark.parametrize("who", ["public", *ROLE_PAGES])
def test_main_journey_pages_have_no_wcag_violations(
    who, org, world, chromium, live_server, settings, capsys
):
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    report = AxeReport()

    context = _context(chromium, live_server)
    page = context.new_page()
    if who == "public":
        _scan_all(page, PUBLIC_PAGES, world, report)
        # The receipt page, after the resident enters their code.
        page.goto(reverse("public:receipt"))
        page.get_by_label("Kvittokod").fill(world["receipt_code"])
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/kvitto/arende/" in url)
        _scan(page, "e-tjänst: ärendets status", report)
        expected = len(PUBLIC_PAGES) + 1
    else:
        _login(page, org.users[who])
        _scan_all(page, ROLE_PAGES[who], world, report)
        expected = len(ROLE_PAGES[who])
    context.close()

    with capsys.disabled():
        print("\n" + report.summary())
        for line in report.violations:
            print("  " + line)
    assert report.violations == [], "\n".join(report.violations)
    assert len(report.pages) == expected
