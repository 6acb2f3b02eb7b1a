"""One readable history on every page that shows one: Swedish field labels, code labels not
codes, people by full name, one entry per user action, local time as YYYY-MM-DD HH:MM, and
never "None". The history is made by the real services, a few minutes apart as people work."""

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.complaints.services import (
    complaint_assess,
    complaint_close,
    complaint_create,
    complaint_receive,
    complaint_reply,
)
from cases.models import Code, CodeList
from cases.services.parts import note_add
from cases.supervision import services as supervision_services
from deviations.services import (
    deviation_assign,
    deviation_classify,
    deviation_close,
    deviation_create,
    deviation_measure_add,
    deviation_receive,
)
from lexsarah.services import lexsarah_assign_investigator, lexsarah_receive, lexsarah_report_create
from lexsarah.services.investigation import (
    investigation_assess,
    investigation_create,
    investigation_save_draft,
)
from reports.services import development_area_create, development_area_update
from riskanalysis.services import analysis_complete, analysis_update, risk_update
from selfcontrol.services import run_start, run_update
from tests.factories import code
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan
from tests.supervision.factories import make_supervision

pytestmark = pytest.mark.django_db

TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")


@dataclass
class Shown:
    """One entry as the reader sees it."""

    time: str
    head: str  # "Maria Ek avslutade ärendet: Avslutad med åtgärd: …"
    rows: dict[str, tuple[str, str]]  # label → (before, after)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def history_shown(body: str) -> list[Shown]:
    section = re.search(r'<section aria-labelledby="history-h">(.*?)</section>', body, re.S)
    assert section, "the page has no history section"
    entries = []
    for item in re.findall(r"<li>(.*?)</li>", section.group(1), re.S):
        time = re.search(r"<time[^>]*>(.*?)</time>", item)
        if time is None:  # "Ingen historik."
            continue
        head = re.findall(r"<p>(.*?)</p>", item, re.S)[0]
        rows = {
            _text(label): (_text(old), _text(new))
            for label, old, new in re.findall(
                r'<th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td>', item, re.S
            )
        }
        entries.append(Shown(_text(time.group(1)), " ".join(_text(head).split()), rows))
    return entries


def _name(user, first: str, last: str):
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def people(org):
    return {
        "chef": _name(org.users["chef_a1"], "Maria", "Ek"),
        "staff": _name(org.users["staff_a1"], "Sara", "Lind"),
        "investigator": _name(org.users["investigator"], "Bo", "Utredare"),
        "quality": _name(org.users["quality"], "Klara", "Strand"),
    }


@pytest.fixture
def later(clock):
    """People act minutes apart: each call moves the clock five minutes on."""

    def _later():
        clock.shift(timedelta(minutes=5))

    return _later


def _assert_readable(body: str, entries: list[Shown], usernames=()) -> None:
    assert "None" not in body
    assert entries and all(TIME.match(e.time) for e in entries)
    section = re.search(r'<section aria-labelledby="history-h">(.*?)</section>', body, re.S)
    for username in usernames:
        assert username not in section.group(1)


def test_deviation_one_entry_per_action_with_labels_names_and_local_time(org, login, people, later):
    chef, staff = people["chef"], people["staff"]
    case = deviation_create(
        unit=org.units["A1"],
        title="Beslut skickades inte ut",
        description="Beslutet skickades aldrig.",
        actor=staff,
        reporter=staff,
    )
    later()
    deviation_receive(case=case, actor=chef)
    later()
    deviation_assign(case=case, assignee=chef, actor=chef)
    later()
    case.refresh_from_db()
    causes = list(Code.objects.filter(codelist=CodeList.ROOT_CAUSE).order_by("order")[:2])
    category = Code.objects.filter(codelist=CodeList.EVENT_CATEGORY).order_by("order").first()
    deviation_classify(
        case=case,
        expected_version=case.version,
        actor=chef,
        root_causes=causes,
        event_category=category,
        reason="Efter samtal med personalen",
    )
    later()
    deviation_measure_add(
        case=case, description="Ny rutin för utskick", actor=chef, responsible=staff
    )
    later()
    # The measure is still planned: closing over it is a confirmed choice the history keeps.
    deviation_close(
        case=case,
        outcome="med_atgard",
        summary="Rutinen var okänd",
        actor=chef,
        confirm_open_measures=True,
    )

    body = login(chef).get(reverse("cases:history", args=[case.reference])).content.decode()
    entries = history_shown(body)

    _assert_readable(body, entries, usernames=("chef_a1", "staff_a1"))
    assert len(entries) == 6  # reported, received, assigned, classified, measure, closed
    closed, measure, classified, assigned, received, reported = entries
    # Closing writes the Case row and the Deviation row: one entry with both rows' changes.
    assert closed.head == (
        "Maria Ek avslutade ärendet: Avslutad trots 1 åtgärd som inte är genomförd (bekräftat). "
        "Avslutad med åtgärd: Rutinen var okänd"
    )
    assert closed.rows["Status"] == ("Mottagen", "Avslutad")
    assert closed.rows["Utfall"] == ("–", "Avslutad med åtgärd")
    assert closed.rows["Sammanfattning vid avslut"] == ("–", "Rutinen var okänd")
    assert closed.rows["Avslutad"] == ("–", "2026-11-16 09:25")  # Stockholm time, not UTC
    assert closed.time == "2026-11-16 09:25"
    assert "Version" not in closed.rows and "Nästa tidsfrist" not in closed.rows
    assert measure.head == "Maria Ek skapade åtgärd: Åtgärd efter avvikelse"
    assert measure.rows["Åtgärd"] == ("–", "Ny rutin för utskick")
    assert measure.rows["Ansvarig"] == ("–", "Sara Lind")
    assert measure.rows["Nivå"] == ("–", "Verksamhet")
    assert classified.rows["Orsaker"] == ("–", ", ".join(sorted(c.label for c in causes)))
    assert classified.rows["Händelsekategori"] == ("–", category.label)
    assert classified.head.endswith(": Efter samtal med personalen")
    assert assigned.head == "Maria Ek ändrade ärendet: Tilldelad Maria Ek"
    assert assigned.rows == {"Handläggare": ("–", "Maria Ek")}
    assert received.head == "Maria Ek ändrade status för ärendet: Avvikelsen mottagen"
    assert received.rows == {"Status": ("Rapporterad", "Mottagen")}
    assert reported.head == "Sara Lind skapade ärendet: Avvikelse rapporterad"
    assert reported.rows["Enhet"] == ("–", "Sektion A1")
    assert reported.rows["Rapportör"] == ("–", "Sara Lind")
    assert reported.time == "2026-11-16 09:00"
    assert "med_atgard" not in body and "rapporterad</td>" not in body


def test_complaint_codes_read_as_labels(org, login, people, later):
    chef, staff = people["chef"], people["staff"]
    case = complaint_create(
        source="personal",
        unit=org.units["A1"],
        complaint_type=code(CodeList.COMPLAINT_TYPE, "synpunkt"),
        description="Rutinen följs inte.",
        actor=staff,
        reporter=staff,
    ).complaint.case
    later()
    case = complaint_receive(case=case, actor=chef, notify=False)
    later()
    topic = Code.objects.filter(codelist=CodeList.COMPLAINT_TOPIC).order_by("order").first()
    complaint_assess(case=case, topics=[topic], deviation_found=False, actor=chef)
    later()
    complaint_reply(case=case, reply_text="Vi har pratat med personalen.", actor=chef, notify=False)
    later()
    complaint_close(case=case, actor=chef, reason="Besvarat och klart")

    body = login(chef).get(reverse("cases:history", args=[case.reference])).content.decode()
    entries = history_shown(body)

    _assert_readable(body, entries, usernames=("chef_a1", "staff_a1"))
    assert len(entries) == 5
    closed, replied, assessed, received, registered = entries
    assert closed.head == "Maria Ek avslutade ärendet: Besvarat och klart"
    assert closed.rows["Utfall"] == ("–", "Ingen avvikelse konstaterad")
    assert replied.rows["Status"] == ("Under utredning", "Besvarad")
    assert replied.rows["Återkoppling"] == ("–", "Vi har pratat med personalen.")
    assert assessed.rows["Ämnen"] == ("–", topic.label)
    assert assessed.rows["Avvikelse konstaterad"] == ("–", "Nej")
    # Receiving moves the case and stamps the complaint: one action, one entry.
    assert received.rows["Status"] == ("Inkommen", "Under utredning")
    assert received.rows["Mottagningsbekräftad"] == ("–", "2026-11-16 09:05")
    assert registered.rows["Källa"] == ("–", "Personal")
    assert registered.rows["Typ"] == ("–", "Synpunkt")
    assert "ingen_avvikelse" not in body and "synpunkt</td>" not in body


def test_lex_sarah_case_and_investigation(org, login, people, later):
    chef, staff, investigator = people["chef"], people["staff"], people["investigator"]
    case = lexsarah_report_create(
        unit=org.units["A1"],
        title="Fel läkemedel",
        description="Kvällspersonalen gav fel dos.",
        actor=staff,
        reporter=staff,
        reporter_type="anstalld",
        notify=False,
    )
    later()
    lexsarah_receive(case=case, actor=chef, immediate_measure="Extra personal i kväll")
    later()
    lexsarah_assign_investigator(case=case, assignee=investigator, actor=chef)
    later()
    investigation = investigation_create(cases=[case], actor=investigator)
    later()
    investigation_save_draft(
        investigation=investigation,
        expected_version=investigation.version,
        data={"events": "Dosen förväxlades."},
        actor=investigator,
    )
    later()
    investigation_assess(
        investigation=investigation,
        assessment="allvarligt",
        motivation="Allvarlig brist i läkemedelshanteringen.",
        actor=investigator,
    )

    client = login(investigator)
    body = client.get(reverse("cases:history", args=[case.reference])).content.decode()
    entries = history_shown(body)

    _assert_readable(body, entries, usernames=("chef_a1", "staff_a1", "investigator"))
    assert len(entries) == 5  # reported, received (+ measure), assigned, started, assessed
    assessed, started, assigned, received, reported = entries
    # The case row ("Bedömd: …") and the report row ("Bedömning") of one assessment.
    assert assessed.head.startswith(
        "Bo Utredare ändrade status för ärendet: Bedömd: Allvarligt missförhållande"
    )
    assert assessed.rows["Status"] == ("Utredning pågår", "Bedömd")
    assert assessed.rows["Bedömning"] == ("–", "Allvarligt missförhållande")
    assert assessed.rows["Bedömd av"] == ("–", "Bo Utredare")
    assert started.rows["Status"] == ("Mottagen, omedelbara åtgärder", "Utredning pågår")
    assert assigned.head == "Maria Ek ändrade ärendet: Utredare: Bo Utredare"
    assert assigned.rows["Handläggare"] == ("–", "Bo Utredare")
    assert "skapade omedelbar åtgärd" in received.head
    assert received.rows["Åtgärd"] == ("–", "Extra personal i kväll")
    assert reported.rows["Rapportörstyp"] == ("–", "Anställd")
    assert reported.rows["Rapporten gäller"] == ("–", "Missförhållande")
    assert "allvarligt</td>" not in body

    body = client.get(reverse("lexsarah:investigation", args=[investigation.pk])).content.decode()
    entries = history_shown(body)
    _assert_readable(body, entries, usernames=("investigator",))
    assessed, drafted, created = entries
    assert drafted.head == "Bo Utredare ändrade utredningen: Utkast sparat"
    assert drafted.rows == {"Händelseförlopp": ("–", "Dosen förväxlades.")}
    assert assessed.rows["Färdig"] == ("–", "2026-11-16 09:25")
    assert created.rows["Utredare"] == ("–", "Bo Utredare")


def test_risk_analysis_scores_read_on_its_scale(org, login, people, later):
    quality = people["quality"]
    analysis = make_analysis(
        quality, [org.units["A1"]], risks=[("Digital post når inte fram", 2, 3)]
    )
    scale = analysis.scale
    later()
    analysis_update(
        analysis=analysis,
        data={"participants": "Enhetschef och två handläggare"},
        units=[org.units["A1"], org.units["A2"]],
        actor=quality,
    )
    later()
    risk_update(
        risk=analysis.risks.get(),
        description="Digital post når inte fram",
        probability=4,
        consequence=4,
        actor=quality,
    )
    later()
    analysis_complete(analysis=analysis, actor=quality)

    body = login(quality).get(analysis.get_absolute_url()).content.decode()
    entries = history_shown(body)

    _assert_readable(body, entries, usernames=("quality",))
    completed, rescored, updated, _created = entries
    assert completed.head == "Klara Strand ändrade riskanalysen: Riskanalysen genomförd"
    assert completed.rows["Status"] == ("Utkast", "Genomförd")
    assert rescored.rows["Sannolikhet"] == (
        f"2 – {scale.probability_label(2)}",
        f"4 – {scale.probability_label(4)}",
    )
    assert rescored.rows["Konsekvens"] == (
        f"3 – {scale.consequence_label(3)}",
        f"4 – {scale.consequence_label(4)}",
    )
    assert updated.rows["Enheter som omfattas"] == ("Sektion A1", "Sektion A1, Sektion A2")
    assert updated.rows["Deltagare"] == ("–", "Enhetschef och två handläggare")
    assert "utkast</td>" not in body


def test_two_requests_on_one_object_are_two_entries_even_seconds_apart(org, login, people):
    from cases.services.cases import case_update
    from tests.factories import make_case

    chef = people["chef"]
    case = make_case(org.units["A1"], kind_="deviation", title="Gammal rubrik", actor=chef)
    case_update(
        case=case,
        expected_version=case.version,
        data={"title": "Ny rubrik"},
        actor=chef,
        reason="Förtydligad rubrik",
    )

    body = login(chef).get(reverse("cases:history", args=[case.reference])).content.decode()
    edited, created = history_shown(body)

    assert edited.head == "Maria Ek ändrade ärendet: Förtydligad rubrik"
    assert edited.rows == {"Rubrik": ("Gammal rubrik", "Ny rubrik")}
    assert created.rows["Rubrik"] == ("–", "Gammal rubrik")


def test_history_names_only_cases_the_reader_may_see(org, login, people):
    from riskanalysis.services import analysis_create_from_cases
    from tests.factories import make_case

    seen = make_case(org.units["A1"], kind_="deviation", actor=people["staff"])
    unseen = make_case(org.units["B1"], kind_="deviation", actor=people["staff"])
    analysis = analysis_create_from_cases(
        actor=people["quality"],
        cases=[seen, unseen],
        title="Tvärs avdelningar",
        units=[org.units["A1"], org.units["B1"]],
        analysed_on=date(2025, 6, 1),
    )

    body = login(people["chef"]).get(analysis.get_absolute_url()).content.decode()
    (created,) = history_shown(body)

    assert created.rows["Avvikelser som föranledde analysen"] == (
        "–",
        f"{seen}, 1 ärende som du inte har behörighet att se",
    )
    assert unseen.reference not in body


def test_supervision_units_and_authority_by_name(org, client, people, later):
    quality = people["quality"]
    supervision = make_supervision(
        quality, [org.units["A1"]], decisions=[(date(2024, 3, 1), ["bemanning"])]
    )
    later()
    supervision_services.supervision_update(
        supervision=supervision,
        expected_version=supervision.version,
        data={"title": "Tillsyn av HVB Solrosen"},
        units=[org.units["A2"]],
        actor=quality,
        reason="Fel sektion",
    )

    client.force_login(quality)
    body = client.get(reverse("supervision:history", args=[supervision.pk])).content.decode()
    entries = history_shown(body)

    _assert_readable(body, entries, usernames=("quality",))
    updated, created = entries  # the decision was registered in the same minute as the case
    assert updated.head == "Klara Strand ändrade tillsynsärendet: Fel sektion"
    assert updated.rows == {
        "Rubrik": ("Tillsyn av HVB", "Tillsyn av HVB Solrosen"),
        "Berörda enheter": ("Sektion A1", "Sektion A2"),
    }
    assert created.rows["Tillsynsmyndighet"] == ("–", "Inspektionen för vård och omsorg (IVO)")
    assert created.rows["Berörda enheter"] == ("–", "Sektion A1")
    assert created.rows["Brister konstaterade"] == ("–", "Ja")
    assert created.rows["Beslutsdatum"] == ("–", "2024-03-01")
    assert "ivo</td>" not in body


def test_selfcontrol_and_development_area_pages_use_the_same_history(org, login, people, later):
    quality = people["quality"]
    plan = make_plan(quality, org.units["A1"], year=2026, responsible_person=people["chef"])
    run = plan.runs.order_by("period_start").first()
    later()
    run_start(run=run, actor=quality)
    later()
    run_update(
        run=run, data={"result": "brister", "findings": "Journalen saknades."}, actor=quality
    )
    area = development_area_create(
        actor=quality, unit=org.units["ASF"], year_decided=2025, title="Fler egenkontroller"
    )
    later()
    development_area_update(
        area=area, data={"title": "Fler och bättre egenkontroller"}, actor=quality
    )
    client = login(quality)

    body = client.get(plan.get_absolute_url()).content.decode()
    (created,) = history_shown(body)
    _assert_readable(body, [created], usernames=("quality", "chef_a1"))
    assert created.rows["Ansvarig person"] == ("–", "Maria Ek")
    assert created.rows["Frekvens"] == ("–", "Årligen")

    body = client.get(run.get_absolute_url()).content.decode()
    updated, started, _planned = history_shown(body)
    _assert_readable(body, [updated, started], usernames=("quality",))
    assert updated.rows["Bedömning"] == ("–", "Brister")
    assert started.rows["Status"] == ("Planerad", "Pågår")

    body = client.get(area.get_absolute_url()).content.decode()
    updated, _decided = history_shown(body)
    assert updated.rows == {"Rubrik": ("Fler egenkontroller", "Fler och bättre egenkontroller")}
    assert "None" not in body


def test_a_drawn_log_sample_is_one_entry_with_a_count(org, login, people, later):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from cases.models import AccessLog
    from selfcontrol.services import run_draw_log_sample
    from tests.factories import make_case

    quality = people["quality"]
    read = make_case(org.units["A1"], title="Läst ärende", actor=quality)
    for _ in range(12):
        row = AccessLog.objects.create(
            user=people["staff"],
            action="read",
            case=read,
            case_reference=read.reference,
            unit=org.units["A1"],
        )
        # test data: back-date the append-only row into the run's period
        AccessLog.objects.filter(pk=row.pk).update(
            at=datetime(2025, 3, 5, 10, tzinfo=ZoneInfo("Europe/Stockholm"))
        )
    plan = make_plan(
        quality,
        org.units["A1"],
        area="Loggkontroll",
        method_code="loggkontroll",
        frequency="monthly",
        year=2025,
        sample_size=10,
    )
    run = plan.runs.get(period_start=date(2025, 3, 1))
    later()
    run_start(run=run, actor=quality)
    later()
    run_draw_log_sample(run=run, actor=quality, seed=7)

    body = login(quality).get(run.get_absolute_url()).content.decode()
    drawn = history_shown(body)[0]

    assert drawn.head == (
        "Klara Strand ändrade egenkontrollen och skapade granskad loggpost "
        "(10 st.): Urval ur åtkomstloggen draget (frö 7); Loggpost i urvalet"
    )
    assert drawn.rows == {"Slumpfrö": ("–", "7")}
    assert "None" not in body


def _busy_case(org, people, later, rounds: int):
    """A deviation whose history grows with `rounds` (notes, reassignments, measures)."""
    chef, staff = people["chef"], people["staff"]
    case = deviation_create(
        unit=org.units["A1"],
        title="Många händelser",
        description="Text",
        actor=staff,
        reporter=staff,
    )
    deviation_receive(case=case, actor=chef)
    assignees = [chef, people["quality"], org.users["chef_a"]]
    for n in range(rounds):
        later()
        deviation_assign(case=case, assignee=assignees[n % 3], actor=chef)
        later()
        note_add(case=case, text=f"Anteckning {n}", actor=chef)
        later()
        deviation_measure_add(
            case=case, description=f"Åtgärd {n}", actor=chef, responsible=assignees[n % 3]
        )
    return case


def test_history_tab_queries_do_not_grow_with_the_history(
    org, login, people, later, django_assert_max_num_queries
):
    small = _busy_case(org, people, later, rounds=1)
    big = _busy_case(org, people, later, rounds=8)
    client = login(people["chef"])
    url = reverse("cases:history", args=[small.reference])
    client.get(url)  # warm the per-process caches (session, code lists)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(url).status_code == 200

    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse("cases:history", args=[big.reference]))
    assert len(history_shown(response.content.decode())) == 2 + 8 * 3
