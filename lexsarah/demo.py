"""Demo lex Sarah data: five years, about 110 reports a year, about half reach the AU with a
finding, about 8 a year are notified to IVO; the most recent reports are open in every status.
Invented texts, no personal data. Written in bulk with history rows (a few seconds).
Idempotent: skipped when lex Sarah cases already exist."""

from datetime import datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.deadlines import due_for
from cases.models import (
    Case,
    CaseUserObjectPermission,
    Code,
    ReferenceCounter,
    Unit,
)

from .models import (
    AgendaItem,
    Assessment,
    AUMeeting,
    ImmediateMeasure,
    Investigation,
    IvoNotification,
    IvoOutcome,
    IvoPath,
    LexSarahReport,
    ReportKind,
)
from .workflow import LexSarahStatus as S

DUE_STEPS = {S.REPORTED: "immediate_measures", S.RECEIVED: "investigation_start"}
PER_YEAR = 110
IVO_PER_YEAR = 8
UNITS = ["UTR-BU-1", "UTR-BU-2", "INS-OV-1", "INS-OV-2", "INS-PL-1", "EKB-EB-1", "BTS-OB-1",
         "UTR-FR-1"]
EVENTS = [
    ("Utebliven insats hos brukare", "Planerat besök av boendestöd blev inte av och ingen meddelade brukaren."),
    ("Brister i skyddsbedömning", "En orosanmälan om ett barn blev liggande utan skyddsbedömning i flera dagar."),
    ("Kränkande bemötande", "En medarbetare använde ett nedsättande språk mot en ungdom på boendet."),
    ("Sekretessbelagda uppgifter skickade fel", "Ett beslut med känsliga uppgifter skickades till fel adress."),
    ("Läkemedel gavs i fel dos", "Kvällspersonalen gav fel dos av ordinerat läkemedel."),
    ("Placerat barn saknade uppföljning", "Barnets placering hade inte följts upp enligt plan under ett halvår."),
    ("Hot mellan boende", "En boende hotade en annan boende och personalen ingrep inte i tid."),
]
IMMEDIATE = ["Extra personal insattes samma kväll.", "Ärendet överfördes till annan handläggare.",
             "Skyddsbedömning gjordes omedelbart.", "Berörd person informerades och fick stöd."]
SECTIONS = {
    "events": "Händelseförloppet har klarlagts genom journalgranskning och samtal.",
    "person_view": "Den enskilde har fått berätta om sin upplevelse.",
    "staff_view": "Berörd personal har intervjuats.",
    "cause_analysis": "Rutinen var okänd för nyanställd personal; bemanningen var låg.",
    "assessment_text": "Händelsen bedöms utifrån SoL 27 kap.",
    "proposed_measures": "Rutinen gås igenom på APT och introduktionen kompletteras.",
}


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _numbers(year: int, count: int) -> range:
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(
        prefix="LS", year=year)
    start = counter.last_number + 1
    counter.last_number += count
    counter.save()
    return range(start, start + count)


def _pick_assessment(rng, serious: bool) -> str:
    if serious:
        return rng.choice([Assessment.SERIOUS, Assessment.RISK_SERIOUS])
    if rng.random() < 0.47:
        return Assessment.NONE
    return rng.choice([Assessment.RISK, Assessment.MISSFORHALLANDE, Assessment.MISSFORHALLANDE])


def _plan(rng, today):
    """(received_at, status, assessment) per report; the last 14 are open in every status."""
    plans = []
    for year in range(today.year - 4, today.year + 1):
        last = today - timedelta(days=40) if year == today.year else datetime(year, 12, 31).date()
        first = datetime(year, 1, 1).date()
        n = PER_YEAR if year < today.year else int(PER_YEAR * (last - first).days / 365)
        serious = set(rng.sample(range(n), min(IVO_PER_YEAR, n)))
        for i in range(n):
            day = first + timedelta(days=rng.randrange(max((last - first).days, 1)))
            plans.append((_at(day, rng.randrange(8, 17)), S.CLOSED, _pick_assessment(rng, i in serious)))
    open_statuses = [S.REPORTED, S.REPORTED, S.RECEIVED, S.RECEIVED, S.INVESTIGATING,
                     S.INVESTIGATING, S.INVESTIGATING, S.ASSESSED, S.ASSESSED, S.AU, S.AU, S.IVO,
                     S.IVO, S.ASSESSED]
    for i, status in enumerate(open_statuses):
        day = today - timedelta(days=2 + i * 2)
        assessment = {S.ASSESSED: Assessment.MISSFORHALLANDE, S.AU: Assessment.RISK,
                      S.IVO: Assessment.SERIOUS}.get(status, "")
        plans.append((_at(day, 10), status, assessment))
    return sorted(plans, key=lambda p: p[0])


def _build_cases(plans, users, units, rng):
    reporter, investigator = users.get("medarbetare"), users.get("utredare")
    by_year: dict[int, list] = {}
    for plan in plans:
        by_year.setdefault(plan[0].year, []).append(plan)
    cases, yesterday = [], timezone.now() - timedelta(days=1)
    for year, items in by_year.items():
        for number, (received, status, assessment) in zip(_numbers(year, len(items)), items, strict=True):
            title, text = rng.choice(EVENTS)
            closed = min(received + timedelta(days=rng.randrange(40, 150)), yesterday) \
                if status == S.CLOSED else None
            cases.append(Case(
                kind="lexsarah", reference=f"LS-{year}-{number:04d}", unit=rng.choice(units),
                title=title, description=text, occurred_on=(received - timedelta(days=1)).date(),
                received_at=received, closed_at=closed, reporter=reporter,
                assignee=investigator if status not in (S.REPORTED,) else None,
                status=status, outcome=assessment if closed else "",
                due_step=DUE_STEPS.get(status, ""),
                due_at=due_for("lexsarah", DUE_STEPS[status], received) if status in DUE_STEPS
                else None,
            ))
    return bulk_create_with_history(cases, Case, batch_size=1000, default_change_reason="Demodata")


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    if Case.objects.filter(kind="lexsarah").exists():
        stdout.write("Lex Sarah: demodata finns redan.")
        return
    units = list(Unit.objects.filter(code__in=UNITS)) or list(Unit.objects.filter(depth__gte=3))
    today = timezone.localdate()
    plans = _plan(rng, today)
    cases = _build_cases(plans, users, units, rng)
    assessments = {c.pk: p[2] for c, p in zip(cases, plans, strict=True)}
    _grant(cases, users.get("utredare"))
    reports = _build_reports(cases, assessments, rng)
    investigations = _build_investigations(cases, reports, users, rng)
    _build_au_and_ivo(reports, investigations, users, rng)
    stdout.write(f"Lex Sarah: {len(cases)} rapporter, {len(investigations)} utredningar.")


def _grant(cases, investigator) -> None:
    if investigator is None:
        return
    perms = Permission.objects.filter(content_type__app_label="cases",
                                      codename__in=["view_case", "handle_case"])
    CaseUserObjectPermission.objects.bulk_create(
        [CaseUserObjectPermission(content_object=c, user=investigator, permission=p)
         for c in cases if c.assignee_id for p in perms], batch_size=2000)


def _build_reports(cases, assessments, rng):
    reporter_types = list(Code.objects.filter(codelist="reporter_type"))
    reports = []
    for case in cases:
        assessment = assessments[case.pk]
        reports.append(LexSarahReport(
            case=case, report_kind=rng.choice(ReportKind.values),
            reporter_type=rng.choice(reporter_types) if reporter_types else None,
            occurred_at=case.received_at - timedelta(hours=rng.randrange(1, 30)),
            persons_affected=rng.choice(["En boende", "Ett placerat barn", "En brukare"]),
            concerns_child=case.unit.code.startswith(("UTR-BU", "INS")),
            personal_data_breach="Sekretess" in case.title,
            assessment=assessment,
            assessment_motivation="Bedömningen grundar sig på utredningen." if assessment else "",
            assessed_at=case.received_at + timedelta(days=20) if assessment else None,
            chef_notified_at=case.received_at,
        ))
    reports = bulk_create_with_history(reports, LexSarahReport, batch_size=1000,
                                       default_change_reason="Demodata")
    measures = [ImmediateMeasure(report=r, taken_at=r.case.received_at + timedelta(hours=2),
                                 text=rng.choice(IMMEDIATE))
                for r in reports if r.case.status != S.REPORTED]
    bulk_create_with_history(measures, ImmediateMeasure, batch_size=1000,
                             default_change_reason="Demodata")
    return reports


def _build_investigations(cases, reports, users, rng):
    """One per investigated report; now and then one covers two reports of the same unit."""
    started = [r for r in reports if r.case.status not in (S.REPORTED, S.RECEIVED)]
    groups, i = [], 0
    while i < len(started):
        pair = started[i:i + 2]
        if len(pair) == 2 and pair[0].case.unit_id == pair[1].case.unit_id \
                and pair[0].assessment == pair[1].assessment and rng.random() < 0.5:
            groups.append(pair)
            i += 2
        else:
            groups.append([started[i]])
            i += 1
    objs = [Investigation(
        investigator=users.get("utredare"), version=3,
        completed_at=None if g[0].case.status == S.INVESTIGATING else g[0].assessed_at,
        **SECTIONS) for g in groups]
    objs = bulk_create_with_history(objs, Investigation, batch_size=1000,
                                    default_change_reason="Demodata")
    through = Investigation.reports.through
    through.objects.bulk_create([through(investigation_id=inv.pk, lexsarahreport_id=r.pk)
                                 for inv, g in zip(objs, groups, strict=True) for r in g])
    for inv, g in zip(objs, groups, strict=True):
        inv.demo_reports = g
    return objs


def _build_au_and_ivo(reports, investigations, users, rng):
    chair = users.get("au.ordforande")
    to_au = [inv for inv in investigations
             if inv.demo_reports[0].assessment not in ("", Assessment.NONE)
             and inv.demo_reports[0].case.status in (S.CLOSED, S.AU, S.IVO)]
    meetings: dict[tuple[int, int], AUMeeting] = {}
    for inv in to_au:
        day = (inv.completed_at or inv.demo_reports[0].case.received_at).date() + timedelta(days=10)
        meetings.setdefault((day.year, day.month), AUMeeting(held_on=day.replace(day=min(day.day, 28)),
                                                             chair=chair))
    saved = bulk_create_with_history(list(meetings.values()), AUMeeting,
                                     default_change_reason="Demodata")
    by_key = {(m.held_on.year, m.held_on.month): m for m in saved}
    items, paragraph = [], {}
    for inv in to_au:
        day = (inv.completed_at or inv.demo_reports[0].case.received_at).date() + timedelta(days=10)
        meeting = by_key[(day.year, day.month)]
        paragraph[day.year] = paragraph.get(day.year, 0) + 1
        first = inv.demo_reports[0]
        pending = first.case.status == S.AU
        items.append(AgendaItem(
            meeting=meeting, investigation=inv, paragraph=str(paragraph[day.year]),
            measures_approved=None if pending else True, severity="" if pending else first.assessment,
            ivo_decided=first.is_serious, decided_at=None if pending else _at(meeting.held_on, 14)))
    items = bulk_create_with_history(items, AgendaItem, batch_size=1000,
                                     default_change_reason="Demodata")
    _build_ivo(items, chair, rng)


def _build_ivo(items, chair, rng):
    reports_for_update, notes = [], []
    for item in items:
        for report in item.investigation.demo_reports:
            if item.decided_at is None:
                continue
            report.au_date = item.meeting.held_on
            reports_for_update.append(report)
            if not item.ivo_decided:
                continue
            sent = item.meeting.held_on + timedelta(days=rng.randrange(1, 6))
            open_case = report.case.status == S.IVO
            answered = not open_case and sent + timedelta(days=60) < timezone.localdate()
            notes.append(IvoNotification(
                report=report, path=IvoPath.AU, agenda_item=item, decided_at=item.decided_at,
                decided_by=chair, due_at=item.decided_at + timedelta(days=7),
                sent_on=None if open_case else sent,
                decision_date=sent + timedelta(days=60) if answered else None,
                decision_outcome="" if not answered else rng.choice(
                    [IvoOutcome.CLOSED, IvoOutcome.FULFILLED, IvoOutcome.CRITICISM])))
    # au_date was unknown when the report rows were created; one audited save per report.
    for report in reports_for_update:
        report._change_reason = "Demodata: behandlad av AU"
        report.save(update_fields=["au_date"])
    bulk_create_with_history(notes, IvoNotification, batch_size=1000,
                             default_change_reason="Demodata")
