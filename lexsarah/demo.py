"""Demo lex Sarah data: five years, about 110 reports a year, about half reach the AU with a
finding, about 8 a year are notified to IVO; the most recent reports are open in every status.
Invented texts, no personal data.

Written the way real reports are (cases.demo): the register moved into Avvika half a year ago
(`SERVICES_DAYS`). The years before came in through the import service as one file (docs/import.md:
bedömning, AU date, IVO notification and decision, what the yearly report counts); the
reports still open then were imported open and handled on through the services. Every report
since goes through the services step by step — report, receipt with an immediate measure,
investigator, investigation (one covers two reports), draft, assessment, AU meeting and
agenda item, the AU's decision, IVO notification and IVO's decision, closing — each at the
moment it happened, every step of every report in the order of time, so AU paragraphs and
reference numbers run as they would have. Idempotent: skipped when lex Sarah cases exist."""

import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.demo import IMPORT_USER, continue_after, cutover, demo_chef, demo_import, demo_step
from cases.models import Case, CaseKind, Code, Unit

from . import services as svc
from .models import AgendaItem, Assessment, AUMeeting, Investigation, IvoOutcome, ReportKind
from .workflow import LexSarahStatus as S

PER_YEAR = 110
# Reports received in the last half year go through the services step by step (about 0.3 s a
# report: some ten services each); six months give the AU persona half a year of meetings.
SERVICES_DAYS = 183
IVO_PER_YEAR = 8
IMPORT_FILE = "demo-lex-sarah-treserva.csv"
UNITS = [
    "UTR-BU-1",
    "UTR-BU-2",
    "INS-OV-1",
    "INS-OV-2",
    "INS-PL-1",
    "EKB-EB-1",
    "BTS-OB-1",
    "UTR-FR-1",
]
# (title, what happened, event category): the category the investigator records, which the
# report's "Mönster i lex Sarah" counts.
EVENTS = [
    (
        "Utebliven insats hos brukare",
        "Planerat besök av boendestöd blev inte av och ingen meddelade brukaren.",
        "utebliven-insats",
    ),
    (
        "Brister i skyddsbedömning",
        "En orosanmälan om ett barn blev liggande utan skyddsbedömning i flera dagar.",
        "handlaggning",
    ),
    (
        "Kränkande bemötande",
        "En medarbetare använde ett nedsättande språk mot en ungdom på boendet.",
        "bemotande",
    ),
    (
        "Sekretessbelagda uppgifter skickade fel",
        "Ett beslut med känsliga uppgifter skickades till fel adress.",
        "sekretess",
    ),
    (
        "Läkemedel gavs i fel dos",
        "Kvällspersonalen gav fel dos av ordinerat läkemedel.",
        "lakemedel",
    ),
    (
        "Placerat barn saknade uppföljning",
        "Barnets placering hade inte följts upp enligt plan under ett halvår.",
        "utebliven-insats",
    ),
    (
        "Hot mellan boende",
        "En boende hotade en annan boende och personalen ingrep inte i tid.",
        "vald-hot",
    ),
]
IMMEDIATE = [
    "Extra personal insattes samma kväll.",
    "Ärendet överfördes till annan handläggare.",
    "Skyddsbedömning gjordes omedelbart.",
    "Berörd person informerades och fick stöd.",
]
SECTIONS = {
    "events": "Händelseförloppet har klarlagts genom journalgranskning och samtal.",
    "person_view": "Den enskilde har fått berätta om sin upplevelse.",
    "staff_view": "Berörd personal har intervjuats.",
    "cause_analysis": "Rutinen var okänd för nyanställd personal; bemanningen var låg.",
    "assessment_text": "Händelsen bedöms utifrån SoL 27 kap.",
    "proposed_measures": "Rutinen gås igenom på APT och introduktionen kompletteras.",
}
MOTIVATION = "Bedömningen grundar sig på utredningen."
URGENT_MOTIVATION = "Risken för barnet kvarstår; anmälan kan inte vänta på utredningen."
# The reports open today: one or two in every status (the inbox and the AU's next agenda).
OPEN_TARGETS = [
    S.REPORTED,
    S.REPORTED,
    S.RECEIVED,
    S.RECEIVED,
    S.INVESTIGATING,
    S.INVESTIGATING,
    S.INVESTIGATING,
    S.ASSESSED,
    S.ASSESSED,
    S.AU,
    S.AU,
    S.IVO,
    S.IVO,
    S.ASSESSED,
]
OPEN_ASSESSMENTS = {
    S.ASSESSED: Assessment.MISSFORHALLANDE,
    S.AU: Assessment.RISK,
    S.IVO: Assessment.SERIOUS,
}
# Days from receipt (or from the last report of a joint investigation) to each step.
PACE = {"receive": 0.1, "assign": 1, "investigate": 2, "draft": 10, "assess": 20, "agenda": 21}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _pick_assessment(rng, serious: bool) -> str:
    if serious:
        return rng.choice([Assessment.SERIOUS, Assessment.RISK_SERIOUS])
    if rng.random() < 0.47:
        return Assessment.NONE
    return rng.choice([Assessment.RISK, Assessment.MISSFORHALLANDE, Assessment.MISSFORHALLANDE])


def au_meeting_day(on_or_after: date) -> date:
    """The AU meets on the second Thursday of the month, except in July."""
    day = on_or_after
    while True:
        first = day.replace(day=1)
        second_thursday = first + timedelta(days=(3 - first.weekday()) % 7 + 7)
        if first.month != 7 and second_thursday >= day:
            return second_thursday
        day = (first + timedelta(days=32)).replace(day=1)


def au_meeting_before(day: date) -> date:
    """The last meeting held before `day`."""
    held = au_meeting_day(day - timedelta(days=70))
    while (following := au_meeting_day(held + timedelta(days=1))) < day:
        held = following
    return held


@dataclass
class _Report:
    received: datetime
    target: str  # the status it reaches (closed, or where an open one stands today)
    assessment: str
    unit: Unit
    title: str
    text: str
    close_by: datetime | None = None  # drawn closing day (closed ones)
    urgent: bool = False  # the chair notifies IVO before the investigation is finished
    reference: str = ""  # in the old system (imported ones)
    case: Case | None = None
    category: str = ""  # event category code, recorded when the investigation is assessed

    @property
    def breach(self) -> bool:
        return "Sekretess" in self.title


@dataclass
class _Timeline:
    """The steps of one investigation (one report, or two investigated together)."""

    reports: list[_Report]
    steps: dict[str, datetime] = field(default_factory=dict)
    meeting_day: date | None = None
    sent_on: date | None = None
    decision_on: date | None = None
    decision: str = ""
    investigation: Investigation | None = None
    item: AgendaItem | None = None

    @property
    def assessment(self) -> str:
        return self.reports[0].assessment

    @property
    def finding(self) -> bool:
        return self.assessment not in ("", Assessment.NONE)

    @property
    def serious(self) -> bool:
        return self.assessment in (Assessment.SERIOUS, Assessment.RISK_SERIOUS)


class _Seeder:
    def __init__(self, *, users, rng, now):
        self.users, self.rng, self.now = users, rng, now
        self.today = timezone.localdate(now)
        self.latest = now - timedelta(minutes=5)
        self.moved = cutover(self.today, days=SERVICES_DAYS)
        self.units = list(Unit.objects.filter(code__in=UNITS)) or list(
            Unit.objects.filter(depth__gte=3)
        )
        self.reporter_types = list(Code.objects.filter(codelist="reporter_type"))
        self.quality = users.get("kvalitet")
        self.investigator = users.get("utredare") or self.quality
        self.chair = users.get("au.ordforande") or self.quality
        self.meetings: dict[date, AUMeeting] = {}
        self.events: list[tuple[datetime, int, object]] = []

    def chef(self, report: _Report):
        return demo_chef(self.users, report.unit) or self.quality

    # --- Drawing -------------------------------------------------------------------------

    def report(self, received: datetime, target: str, assessment: str) -> _Report:
        title, text, category = self.rng.choice(EVENTS)
        return _Report(
            received=received,
            target=target,
            assessment=assessment,
            unit=self.rng.choice(self.units),
            title=title,
            text=text,
            category=category,
        )

    def draw(self) -> list[_Report]:
        """The closed reports of five years, then the ones open today."""
        rng, today = self.rng, self.today
        reports = []
        for year in range(today.year - 4, today.year + 1):
            last = today - timedelta(days=40) if year == today.year else date(year, 12, 31)
            first = date(year, 1, 1)
            n = PER_YEAR if year < today.year else int(PER_YEAR * (last - first).days / 365)
            serious = set(rng.sample(range(n), min(IVO_PER_YEAR, n)))
            for i in range(n):
                day = first + timedelta(days=rng.randrange(max((last - first).days, 1)))
                report = self.report(
                    _at(day, rng.randrange(8, 17)), S.CLOSED, _pick_assessment(rng, i in serious)
                )
                report.close_by = report.received + timedelta(days=rng.randrange(40, 150))
                reports.append(report)
        for i, target in enumerate(OPEN_TARGETS):
            received = _at(today - timedelta(days=2 + i * 2), 10)
            report = self.report(received, target, OPEN_ASSESSMENTS.get(target, ""))
            if target == S.IVO:
                # One by the chair's urgent decision; the other decided by the AU at its last
                # meeting and not yet sent.
                report.urgent = not any(r.urgent for r in reports)
                if not report.urgent:
                    report.received = _at(au_meeting_before(today) - timedelta(days=26), 10)
            reports.append(report)
        return sorted(reports, key=lambda r: r.received)

    def timelines(self, reports: list[_Report]) -> list[_Timeline]:
        timelines = [_Timeline([r]) for r in reports]
        # Two open reports of one unit are investigated together (`investigation_create`
        # takes several reports).
        pair = [t for t in timelines if t.reports[0].target == S.INVESTIGATING][:2]
        if len(pair) == 2:
            pair[1].reports[0].unit = pair[0].reports[0].unit
            pair[0].reports += pair[1].reports
            timelines.remove(pair[1])
        for timeline in timelines:
            self.plan(timeline)
            self.close_before_move(timeline)
        return timelines

    def close_before_move(self, t: _Timeline) -> None:
        """A report whose every step (up to the notification) was done before the move was
        closed in the old system too: imported closed, its AU date and IVO notification in
        the year they happened, not handled again in Avvika."""
        steps = list(t.steps.values())
        if t.reports[0].target != S.CLOSED or not steps or max(steps) >= self.moved:
            return
        last = max(steps)
        for r in t.reports:
            if r.close_by >= self.moved:
                r.close_by = last + max(
                    timedelta(hours=1), (self.moved - last) * self.rng.uniform(0.2, 0.9)
                )

    def plan(self, t: _Timeline, start: datetime | None = None) -> None:
        """When each step happens, from `start` (the last report's receipt unless given). A
        closed report runs at the usual pace; an open one fits its steps into the days since
        it came in and stops at its status of today. Steps after now do not happen."""
        report = t.reports[0]
        target = report.target
        t.meeting_day = t.sent_on = t.decision_on = None
        start = start or max(r.received for r in t.reports)
        age = (self.now - start).total_seconds() / 86400
        pace = 1.0 if target == S.CLOSED else max(0.0, min(1.0, (age - 0.5) / 22))
        order = {
            S.REPORTED: 0,
            S.RECEIVED: 2,
            S.INVESTIGATING: 4,
            S.ASSESSED: 5,
            S.AU: 6,
            S.IVO: 6,
            S.CLOSED: 6,
        }[target]
        names = ["receive", "assign", "investigate", "draft", "assess", "agenda"][:order]
        t.steps = {name: start + timedelta(days=PACE[name] * pace) for name in names}
        if report.urgent:
            t.steps = {
                k: v for k, v in t.steps.items() if k in ("receive", "assign", "investigate")
            }
            t.steps["urgent"] = t.steps["investigate"] + timedelta(hours=3)
            return
        if "agenda" in t.steps and not t.finding:
            del t.steps["agenda"]  # "inget missförhållande" closes without the AU
        if "agenda" in t.steps:
            if target == S.AU:  # on the agenda of the next meeting
                t.meeting_day = au_meeting_day(self.today)
            else:
                t.meeting_day = au_meeting_day(
                    timezone.localdate(t.steps["assess"]) + timedelta(days=5)
                )
                t.steps["decide"] = _at(t.meeting_day, 14)
        if t.serious and "decide" in t.steps and target == S.CLOSED:
            t.sent_on = t.meeting_day + timedelta(days=self.rng.randrange(1, 6))
            t.steps["sent"] = _at(t.sent_on, 10)
            decision_on = t.sent_on + timedelta(days=60)
            if decision_on < self.today:
                t.decision_on = decision_on
                t.decision = self.rng.choice(
                    [IvoOutcome.CLOSED, IvoOutcome.FULFILLED, IvoOutcome.CRITICISM]
                )
        if target == S.CLOSED:
            last = max(t.steps.values())
            for r in t.reports:
                r.close_by = max(r.close_by, last + timedelta(days=1))

    # --- Before the move: one import row per report ----------------------------------------

    def import_row(self, t: _Timeline, report: _Report) -> dict[str, str]:
        row = {
            "typ": "lex_sarah",
            "extern_referens": report.reference,
            "enhet": report.unit.code,
            "inkom": report.received.date().isoformat(),
            "handelse": (report.received - timedelta(days=1)).date().isoformat(),
            "rubrik": report.title,
            "beskrivning": report.text,
        }
        if not self.closed_before_move(report):
            return row  # open on the day of the move: only what was reported
        row.update(
            {
                "avslutad": report.close_by.date().isoformat(),
                "bedomning": report.assessment,
                "kategori": report.category,
            }
        )
        if t.meeting_day:
            row["au_datum"] = t.meeting_day.isoformat()
        if t.sent_on:
            row["ivo_anmald"] = t.sent_on.isoformat()
        if t.decision_on and t.decision_on < self.moved.date():
            row.update({"ivo_beslut_datum": t.decision_on.isoformat(), "ivo_beslut": t.decision})
        return row

    def closed_before_move(self, report: _Report) -> bool:
        return report.close_by is not None and report.close_by < self.moved

    # --- Through the services, in the order of time -----------------------------------------

    def add(self, at: datetime, action) -> None:
        self.events.append((at, len(self.events), action))

    def schedule(self, t: _Timeline) -> None:
        """Queue every step that has happened by now."""
        steps = dict(t.steps)
        for r in t.reports:
            if r.target == S.CLOSED:
                steps[f"close:{id(r)}"] = r.close_by
        if t.decision_on:
            steps["decision"] = _at(t.decision_on, 11)
        if t.reports[0].case is None:  # reported in Avvika
            for r in t.reports:
                self.add(r.received, lambda r=r: self.create(r))
        else:
            steps = self.resume(t, steps)
        for name, at in steps.items():
            if at <= self.latest:
                self.add(at, lambda name=name, at=at: self.step(t, name, at))

    def resume(self, t: _Timeline, steps: dict[str, datetime]) -> dict[str, datetime]:
        """A report imported open: what it had been through before the move is done again in
        Avvika in the first days after it; what came later keeps its moment (the AU still
        decides at a meeting, the notification is sent after the decision)."""
        resumed = self.moved + timedelta(days=self.rng.randint(1, 3), hours=self.rng.randint(8, 15))
        names = sorted(steps, key=steps.get)
        steps = dict(
            zip(
                names,
                continue_after(resumed, [steps[n] for n in names], latest=self.latest),
                strict=True,
            )
        )
        if "decide" in steps and timezone.localdate(steps["decide"]) != t.meeting_day:
            t.meeting_day = au_meeting_day(timezone.localdate(steps["decide"]))
            steps["decide"] = _at(t.meeting_day, 14)
            later = names[names.index("decide") + 1 :]
            steps.update(
                zip(
                    later,
                    continue_after(
                        steps["decide"] + timedelta(hours=20),
                        [steps[n] for n in later],
                        latest=self.latest,
                    ),
                    strict=True,
                )
            )
        if "sent" in steps:
            t.sent_on = timezone.localdate(steps["sent"])
        return steps

    def run(self) -> None:
        """Every step of every report in the order of time, each at its moment."""
        for at, _seq, action in sorted(self.events, key=lambda e: (e[0], e[1])):
            demo_step(at, action)

    def create(self, report: _Report) -> None:
        rng = self.rng
        report.case = svc.lexsarah_report_create(
            unit=report.unit,
            title=report.title,
            description=report.text,
            actor=self.users.get("medarbetare") or self.quality,
            reporter=self.users.get("medarbetare"),
            occurred_at=report.received - timedelta(hours=rng.randrange(1, 30)),
            reporter_type=rng.choice(self.reporter_types) if self.reporter_types else None,
            persons_affected=rng.choice(["En boende", "Ett placerat barn", "En brukare"]),
            concerns_child=report.unit.code.startswith(("UTR-BU", "INS")),
            report_kind=rng.choice(ReportKind.values),
            personal_data_breach=report.breach,
            notify=False,  # demo data e-mails no one
        )

    def step(self, t: _Timeline, name: str, at: datetime) -> None:
        cases = [r.case for r in t.reports]
        if name == "receive":
            for r in t.reports:
                svc.lexsarah_receive(
                    case=r.case, actor=self.chef(r), immediate_measure=self.rng.choice(IMMEDIATE)
                )
        elif name == "assign":
            for r in t.reports:
                svc.lexsarah_assign_investigator(
                    case=r.case, assignee=self.investigator, actor=self.chef(r)
                )
                if r.breach and not r.reference:  # (the import holds no breach flag)
                    svc.imy_report_record(case=r.case, actor=self.quality)
        elif name == "investigate":
            t.investigation = svc.investigation_create(
                cases=cases, actor=self.investigator, investigator=self.investigator
            )
        elif name == "draft":
            t.investigation = svc.investigation_save_draft(
                investigation=t.investigation,
                expected_version=t.investigation.version,
                data=SECTIONS,
                actor=self.investigator,
            )
        elif name == "assess":
            t.investigation = svc.investigation_assess(
                investigation=t.investigation,
                assessment=t.assessment,
                motivation=MOTIVATION,
                actor=self.investigator,
            )
        elif name == "urgent":
            svc.ivo_decide_urgent(case=cases[0], actor=self.chair, motivation=URGENT_MOTIVATION)
        elif name == "agenda":
            t.item = svc.agenda_item_add(
                meeting=self.meeting(t.meeting_day), investigation=t.investigation, actor=self.chair
            )
        elif name == "decide":
            t.item = svc.agenda_item_decide(
                item=t.item,
                actor=self.chair,
                measures_approved=True,
                severity=t.assessment,
                ivo=t.serious,
                minutes="Arbetsutskottet godkänner de föreslagna åtgärderna.",
            )
        elif name == "sent":
            for case in cases:
                svc.ivo_notification_sent(
                    case=case,
                    sent_on=t.sent_on,
                    actor=self.quality,
                    ivo_reference=f"IVO 3.5.1-{case.pk:05d}/{at.year}",
                )
        elif name == "decision":
            for case in cases:
                svc.ivo_decision_record(
                    case=case, decision_date=t.decision_on, outcome=t.decision, actor=self.quality
                )
        elif name.startswith("close:"):
            report = next(r for r in t.reports if f"close:{id(r)}" == name)
            svc.lexsarah_close(
                case=report.case,
                actor=self.quality,
                reason="Utredningen är klar och åtgärderna genomförda.",
            )

    def meeting(self, day: date) -> AUMeeting:
        if day not in self.meetings:
            self.meetings[day] = svc.au_meeting_create(
                held_on=day, actor=self.chair, chair=self.chair, members=[self.chair]
            )
        return self.meetings[day]


def seed(*, users, rng, stdout) -> None:
    if Case.objects.filter(kind=CaseKind.LEXSARAH).exists():
        stdout.write("Lex Sarah: demodata finns redan.")
        return
    started = time_module.monotonic()
    seeder = _Seeder(users=users, rng=rng, now=timezone.now())
    reports = seeder.draw()
    timelines = seeder.timelines(reports)
    before = [(t, r) for t in timelines for r in t.reports if r.received < seeder.moved]
    for number, (_t, report) in enumerate(before, start=1):
        report.reference = f"TS-LS-{report.received.year}-{number:04d}"
    with transaction.atomic():
        demo_import(
            [seeder.import_row(t, r) for t, r in before],
            filename=IMPORT_FILE,
            user=users.get(IMPORT_USER),
            at=seeder.moved,
        )
        imported = {
            c.external_reference: c
            for c in Case.objects.filter(kind=CaseKind.LEXSARAH, imported_from=IMPORT_FILE)
        }
        for _t, report in before:
            report.case = imported[report.reference]
        for t in timelines:
            report = t.reports[0]
            if report.case is None or not seeder.closed_before_move(report):
                seeder.schedule(t)
            elif t.decision_on and t.decision_on >= seeder.moved.date():
                # IVO's answer to a report closed before the move arrives in Avvika.
                if t.decision_on <= seeder.today:
                    seeder.add(
                        _at(t.decision_on, 11),
                        lambda t=t: seeder.step(t, "decision", seeder.latest),
                    )
        seeder.run()
    stdout.write(
        f"Lex Sarah: {len(reports)} rapporter, varav {len(before)} importerade, "
        f"{len(seeder.meetings)} AU-sammanträden ({time_module.monotonic() - started:.0f} s)."
    )
