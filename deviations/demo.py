"""Demo kvalitetsavvikelser 2021–today: about 1 200 a year over the demo sections, with event
categories, Karlshamn's deficiency areas, root causes, consequences and measures. Most are
closed; recent ones are open in every step. Invented texts, no real personal data.

Written the way real deviations are (cases.demo): the förvaltning moved its deviation register
into Avvika six weeks ago (`SERVICES_DAYS`). Everything received before that comes in through
the import service as one file (docs/import.md) — the years the statistics and the yearly
report count — and the cases still open on the day of the move are imported open and handled
on through the services. Everything received since goes through the services from the report
on, each step at the moment it happened. (~7 000 cases through the services would take
minutes; the import writes them in seconds.) Idempotent: skipped when deviations exist.
"""

import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.demo import IMPORT_USER, continue_after, cutover, demo_chef, demo_import, demo_step
from cases.models import Case, CaseKind, Code, Measure, Unit
from cases.services.parts import measure_set_status

from . import services as svc
from .models import Deviation, ReclassifiedTo
from .workflow import DeviationOutcome, DeviationStatus

# Cases received in the last six weeks go through the services from their first step; the
# services cost about 0.1 s a case, so this keeps the whole seeder in seconds.
SERVICES_DAYS = 42
IMPORT_FILE = "demo-avvikelser-lifecare.csv"

PER_YEAR = 1200
FIRST_YEAR = 2021
UNIT_WEIGHTS = {
    "UTR-BU-1": 12,
    "UTR-BU-2": 10,
    "UTR-FR-1": 6,
    "UTR-MOT-5": 5,
    "INS-OV-1": 6,
    "INS-OV-2": 9,
    "INS-PL-1": 8,
    "EKB-EB-1": 12,
    "EKB-EB-2": 10,
    "EKB-MB-1": 7,
    "BTS-OB-1": 8,
    "BTS-TT-1": 2,
    "ARB-JC-1": 5,
}
CHEF_FOR_UNIT = {
    "UTR-BU-1": "chef.utredning",
    "INS-OV-2": "chef.insats",
    "EKB-EB-1": "chef.bistand",
}

# (event category, deficiency pool, root-cause pool, consequence, title, what happened,
#  immediate consequence, weight)
EVENTS = [
    (
        "utebliven-insats",
        ["utebliven-felaktig-insats", "processer-rutiner"],
        ["rutin-ej-foljd", "arbetsbelastning"],
        "fordrojning",
        "Beslut verkställdes inte i tid",
        "Beslut om insats fattades men verkställdes inte förrän fem veckor senare.",
        "Den enskilde fick vänta på stöd.",
        10,
    ),
    (
        "handlaggning",
        ["handlaggning", "rattssakerhet"],
        ["rutin-saknas", "kunskap"],
        "rattsforlust",
        "Beslut saknade överklagandehänvisning",
        "Ett avslagsbeslut skickades utan information om hur man överklagar.",
        "Tiden för överklagande riskerade att gå ut.",
        8,
    ),
    (
        "dokumentation",
        ["dokumentation"],
        ["arbetsbelastning", "rutin-ej-foljd"],
        "ingen",
        "Journalanteckningar fördes sent",
        "Anteckningar från hembesök fördes in i journalen först efter fyra veckor.",
        "",
        10,
    ),
    (
        "sekretess",
        ["kommunikation-information", "rattssakerhet"],
        ["rutin-ej-foljd", "teknik"],
        "obehag",
        "Brev skickades till fel adress",
        "Ett brev med uppgifter om en familj skickades till en gammal adress.",
        "Uppgifter kan ha lästs av obehörig.",
        6,
    ),
    (
        "overlamning",
        ["processer-rutiner", "kommunikation-information"],
        ["samverkan", "rutin-saknas"],
        "fordrojning",
        "Ärende blev liggande vid överlämning",
        "Ärendet överlämnades mellan mottag och utredning utan att någon tog ansvar.",
        "Utredningen startade två veckor sent.",
        9,
    ),
    (
        "bemotande",
        ["bemotande"],
        ["arbetsledning", "kunskap"],
        "obehag",
        "Otydligt bemötande vid besök",
        "En förälder fick ett kort och otydligt besked i receptionen.",
        "Föräldern blev orolig och ringde flera gånger.",
        5,
    ),
    (
        "felaktig-insats",
        ["utebliven-felaktig-insats", "kompetens"],
        ["kunskap", "samverkan"],
        "annan",
        "Fel insats beviljades",
        "Insatsen som beviljades motsvarade inte behovet i utredningen.",
        "",
        4,
    ),
    (
        "handlaggning",
        ["handlaggning", "delaktighet"],
        ["arbetsbelastning", "arbetsledning"],
        "fordrojning",
        "Utredningstiden överskreds",
        "Utredningen förlängdes utan beslut om förlängning och utan att barnet hördes.",
        "Barnets behov blev inte utrett i tid.",
        9,
    ),
    (
        "ovrigt",
        ["teknik-utrustning"],
        ["teknik"],
        "fordrojning",
        "Verksamhetssystemet låg nere",
        "Verksamhetssystemet gick inte att använda under en hel dag.",
        "Ansökningar kunde inte registreras.",
        5,
    ),
    (
        "vald-hot",
        ["vald-tvang-begransning", "omgivning-organisation"],
        ["lokaler", "arbetsledning"],
        "obehag",
        "Hotfull situation i väntrummet",
        "En besökare blev hotfull i väntrummet; överfallslarmet fungerade inte.",
        "Personal och besökare kände sig otrygga.",
        3,
    ),
    (
        "utebliven-insats",
        ["utebliven-felaktig-insats", "omgivning-organisation"],
        ["arbetsbelastning"],
        "fordrojning",
        "Boendestöd uteblev vid frånvaro",
        "Boendestödjaren var sjuk och ingen ersättare sattes in.",
        "Den enskilde fick inget stöd den veckan.",
        6,
    ),
    (
        "handlaggning",
        ["handlaggning", "processer-rutiner"],
        ["rutin-ej-foljd"],
        "ekonomisk",
        "Utbetalning av försörjningsstöd försenad",
        "Utbetalningen gjordes en vecka för sent på grund av att beslutet inte attesterades.",
        "Hyran kunde inte betalas i tid.",
        8,
    ),
    (
        "dokumentation",
        ["dokumentation", "kompetens"],
        ["kunskap", "rutin-saknas"],
        "ingen",
        "Genomförandeplan saknades",
        "En placering pågick i sex veckor utan genomförandeplan.",
        "",
        5,
    ),
]
SUMMARIES = {
    DeviationOutcome.WITH_MEASURES: "Utredningen visade att rutinen inte var känd av alla. "
    "Åtgärder har beslutats och följs upp på APT.",
    DeviationOutcome.WITHOUT_MEASURES: "En enstaka händelse. Rutinen är känd och fungerar; "
    "ingen ytterligare åtgärd behövs.",
    DeviationOutcome.NOT_A_DEVIATION: "Handläggningen följde gällande regler. "
    "Någon avvikelse har inte förelegat.",
    DeviationOutcome.RECLASSIFIED: "Händelsen hanteras i annan ordning.",
}
OUTCOME_WEIGHTS = {
    DeviationOutcome.WITH_MEASURES: 55,
    DeviationOutcome.WITHOUT_MEASURES: 28,
    DeviationOutcome.NOT_A_DEVIATION: 14,
    DeviationOutcome.RECLASSIFIED: 3,
}
MEASURES = [
    ("Genomgång av rutinen på arbetsplatsträff", "processer", "arbetsgrupp", 8),
    ("Ny checklista för överlämning", "processer", "verksamhet", 6),
    ("Utbildning för personalgruppen", "kompetens", "arbetsgrupp", 4),
    ("Samtal med berörd medarbetare", "arbetsledning", "medarbetare", 4),
    ("Kontakt med den enskilde och rättelse", "omedelbar", "arende", 5),
    ("Översyn av bemanningen under semestern", "organisation", "verksamhet", 2),
    ("Felanmälan och uppföljning med IT", "lokaler-teknik", "forvaltning", 2),
    ("Information till berörda om ändrad rutin", "information", "verksamhet", 3),
]


RECLASSIFICATION_REASON = "Händelsen gäller hälso- och sjukvård/arbetsmiljö."


@dataclass
class _Plan:
    """One drawn deviation: what happened and when each step of its handling happens."""

    received: datetime
    unit: Unit
    chef: object
    reporter: object
    event: tuple
    occurred_on: date
    concerns_child: bool
    at_absence: bool
    receive_at: datetime | None = None
    investigate_at: datetime | None = None
    close_at: datetime | None = None
    outcome: str = ""
    reclassified_to: str = ""
    deficiencies: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)
    measures: list[tuple[str, str, str]] = field(default_factory=list)  # description, type, level
    measures_done_at: datetime | None = None

    @property
    def category(self) -> str:
        return self.event[0]

    @property
    def consequence(self) -> str:
        return self.event[3]


def _received(rng, year: int, now: datetime) -> datetime:
    start = date(year, 1, 2)
    end = min(date(year, 12, 31), now.date() - timedelta(days=1))
    day = start + timedelta(days=rng.randint(0, (end - start).days))
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(rng.randint(7, 17), rng.randint(0, 59))))


def _target(rng, age_days: int) -> str:
    if age_days < 5:
        return rng.choice([DeviationStatus.REPORTED] * 3 + [DeviationStatus.RECEIVED])
    if age_days < 30:
        return rng.choice(
            [DeviationStatus.RECEIVED, DeviationStatus.INVESTIGATING, DeviationStatus.INVESTIGATING]
        )
    if age_days < 120:
        return DeviationStatus.CLOSED if rng.random() < 0.7 else DeviationStatus.INVESTIGATING
    # A few old ones are still open: overdue in the inbox.
    return DeviationStatus.CLOSED if rng.random() > 0.01 else DeviationStatus.INVESTIGATING


def _classified_before(plan: _Plan, moved: datetime) -> bool:
    return plan.investigate_at is not None and plan.investigate_at < moved


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


class _Seeder:
    def __init__(self, *, users, rng, now):
        self.rng, self.now, self.users = rng, now, users
        self.units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_WEIGHTS)}
        self.unit_codes = [c for c in UNIT_WEIGHTS if c in self.units]
        self.unit_weights = [UNIT_WEIGHTS[c] for c in self.unit_codes]
        self.codes = {(c.codelist, c.code): c for c in Code.objects.all()}
        self.fallback = users.get("kvalitet")
        self.latest = now - timedelta(minutes=5)

    def chef(self, unit: Unit):
        return demo_chef(self.users, unit) or self.fallback

    def at(self, moment: datetime) -> datetime:
        return min(moment, self.latest)

    # --- Drawing: what happened and how it is handled -------------------------------------

    def plan(self, received: datetime) -> _Plan:
        rng = self.rng
        event = rng.choices(EVENTS, [e[-1] for e in EVENTS])[0]
        deficiencies, causes = event[1], event[2]
        unit = self.units[rng.choices(self.unit_codes, self.unit_weights)[0]]
        plan = _Plan(
            received=received,
            unit=unit,
            chef=self.chef(unit),
            event=event,
            reporter=self.users.get("medarbetare") if unit.code == "UTR-BU-1" else None,
            occurred_on=(received - timedelta(days=rng.randint(0, 6))).date(),
            concerns_child=unit.code.startswith(("UTR-BU", "INS")) and rng.random() < 0.6,
            at_absence=rng.random() < 0.15,
        )
        target = _target(rng, (self.now - received).days)
        moment = received
        if target != DeviationStatus.REPORTED:
            moment = self.at(moment + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6)))
            plan.receive_at = moment
        if target in (DeviationStatus.INVESTIGATING, DeviationStatus.CLOSED):
            moment = self.at(moment + timedelta(days=rng.randint(1, 10)))
            plan.investigate_at = moment
            chosen = rng.sample(deficiencies, rng.randint(1, len(deficiencies)))
            if rng.random() < 0.2:
                chosen.append(rng.choice(["kompetens", "kommunikation-information"]))
            plan.deficiencies = sorted(set(chosen))
            plan.causes = sorted(set(rng.sample(causes, rng.randint(1, len(causes)))))
        closing = moment + timedelta(days=rng.randint(7, 75))
        if target == DeviationStatus.CLOSED and closing < self.latest:
            # (One that would close in the future is still being investigated.)
            plan.outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            plan.close_at = closing
            if plan.outcome == DeviationOutcome.RECLASSIFIED:
                plan.reclassified_to = rng.choice(
                    [ReclassifiedTo.VARDSKADA, ReclassifiedTo.ARBETSMILJO]
                )
        if plan.outcome == DeviationOutcome.WITH_MEASURES or (
            plan.close_at is None and plan.investigate_at and rng.random() < 0.3
        ):
            plan.measures = [m[:3] for m in rng.sample(MEASURES, rng.randint(1, 2))]
            if plan.close_at is not None and (self.now - plan.close_at).days > 45:
                plan.measures_done_at = plan.close_at + timedelta(days=rng.randint(5, 30))
        return plan

    # --- Before the move: one import row per case -----------------------------------------

    def import_row(self, plan: _Plan, external_reference: str, moved: datetime) -> dict[str, str]:
        """The row the old system's export holds: what was known on the day of the move. A
        case still open then carries its classification if it had one; the rest of its
        handling comes later, in Avvika."""
        row = {
            "typ": "avvikelse",
            "extern_referens": external_reference,
            "enhet": plan.unit.code,
            "inkom": _day(plan.received),
            "handelse": plan.occurred_on.isoformat(),
            "rubrik": plan.event[4],
            "beskrivning": plan.event[5],
        }
        closed = plan.close_at is not None and plan.close_at < moved
        if closed or _classified_before(plan, moved):
            row.update(
                {
                    "kategori": plan.category,
                    "brister": "|".join(plan.deficiencies),
                    "orsaker": "|".join(plan.causes),
                    "konsekvens": plan.consequence,
                }
            )
        if closed:
            row.update(
                {
                    "avslutad": _day(plan.close_at),
                    "atgarder": "|".join(mtype for _d, mtype, _l in plan.measures),
                }
            )
        return row

    # --- Through the services ---------------------------------------------------------------

    def report(self, plan: _Plan) -> Case:
        return demo_step(
            plan.received,
            svc.deviation_create,
            unit=plan.unit,
            title=plan.event[4],
            description=plan.event[5],
            actor=plan.reporter or plan.chef,
            reporter=plan.reporter,
            occurred_on=plan.occurred_on,
            immediate_consequence=plan.event[6],
            concerns_child=plan.concerns_child,
            at_absence_or_handover=plan.at_absence,
        )

    def handle(
        self,
        case: Case,
        plan: _Plan,
        receive_at,
        investigate_at,
        close_at,
        *,
        classified: bool = False,
    ) -> None:
        """Every step after the report, each at its moment, as the chef would click it
        (`classified`: the import brought the classification)."""
        chef = plan.chef
        if receive_at is not None:
            case = demo_step(receive_at, svc.deviation_receive, case=case, actor=chef)
            if plan.unit.code in CHEF_FOR_UNIT:  # the personas take their own cases
                case = demo_step(
                    receive_at, svc.deviation_assign, case=case, assignee=chef, actor=chef
                )
        if investigate_at is not None:
            case = demo_step(
                investigate_at, svc.deviation_start_investigation, case=case, actor=chef
            )
        if investigate_at is not None and not classified:
            demo_step(
                investigate_at,
                svc.deviation_classify,
                case=case,
                expected_version=case.version,
                actor=chef,
                event_category=self.codes[("event_category", plan.category)],
                deficiencies=[self.codes[("deficiency", c)] for c in plan.deficiencies],
                root_causes=[self.codes[("root_cause", c)] for c in plan.causes],
                consequence=self.codes[("consequence", plan.consequence)],
            )
        if close_at is None:
            if investigate_at is not None:
                self.add_measures(case, plan, investigate_at)
            return
        if plan.outcome == DeviationOutcome.RECLASSIFIED:
            demo_step(
                close_at,
                svc.deviation_reclassify,
                case=case,
                target=plan.reclassified_to,
                reason=RECLASSIFICATION_REASON,
                actor=chef,
            )
            return
        measures = self.add_measures(case, plan, close_at)
        demo_step(
            close_at,
            svc.deviation_close,
            case=case,
            outcome=plan.outcome,
            summary=SUMMARIES[plan.outcome],
            actor=chef,
            # Measures often finish after the case closes; the chef confirms that, as on the page.
            confirm_open_measures=True,
        )
        if plan.measures_done_at is not None and plan.measures_done_at < self.latest:
            for measure in measures:
                demo_step(
                    plan.measures_done_at,
                    measure_set_status,
                    measure=measure,
                    status=Measure.Status.DONE,
                    actor=chef,
                    reason="Åtgärden genomförd",
                )

    def add_measures(self, case: Case, plan: _Plan, at: datetime) -> list[Measure]:
        return [
            demo_step(
                at,
                svc.deviation_measure_add,
                case=case,
                description=description,
                actor=plan.chef,
                measure_type=self.codes[("measure_type", mtype)],
                level=level,
                responsible=plan.chef,
                due_date=(at + timedelta(days=30)).date(),
            )
            for description, mtype, level in plan.measures
        ]


def seed(*, users, rng, stdout, years=None, scale: float = 1.0) -> int:
    """Create the demo deviations. `years`/`scale` let tests run a small version."""
    if Deviation.objects.exists():
        stdout.write("Kvalitetsavvikelser finns redan – hoppar över.")
        return 0
    started = time_module.monotonic()
    now = timezone.now()
    seeder = _Seeder(users=users, rng=rng, now=now)
    if not seeder.unit_codes:
        stdout.write("Inga demoenheter för avvikelser – hoppar över.")
        return 0
    plans: list[_Plan] = []
    for year in range(FIRST_YEAR, now.year + 1):
        if years is not None and year not in years:
            continue
        share = 1.0 if year < now.year else now.timetuple().tm_yday / 366
        count = max(1, round(PER_YEAR * share * scale))
        # Chronological, so reference numbers follow the received dates.
        plans += [seeder.plan(r) for r in sorted(_received(rng, year, now) for _i in range(count))]
    moved = cutover(timezone.localdate(now), days=SERVICES_DAYS)
    before = [p for p in plans if p.received < moved]
    since = [p for p in plans if p.received >= moved]
    refs = {id(p): f"LC-{p.received.year}-{i:05d}" for i, p in enumerate(before, start=1)}
    with transaction.atomic():
        demo_import(
            [seeder.import_row(p, refs[id(p)], moved) for p in before],
            filename=IMPORT_FILE,
            user=users.get(IMPORT_USER),
            at=moved,
        )
        imported = {
            c.external_reference: c
            for c in Case.objects.filter(
                kind=CaseKind.DEVIATION, imported_from=IMPORT_FILE, closed_at__isnull=True
            )
        }
        still_open = [p for p in before if refs[id(p)] in imported]
        for plan in still_open:
            # Handled on in Avvika during the weeks after the move, in working hours.
            resumed = moved + timedelta(days=rng.randint(0, 9), hours=rng.randint(8, 15))
            seeder.handle(
                imported[refs[id(plan)]],
                plan,
                *continue_after(
                    resumed,
                    [plan.receive_at, plan.investigate_at, plan.close_at],
                    latest=seeder.latest,
                ),
                classified=_classified_before(plan, moved),
            )
        for plan in since:
            seeder.handle(
                seeder.report(plan), plan, plan.receive_at, plan.investigate_at, plan.close_at
            )
    stdout.write(
        f"Kvalitetsavvikelser: {len(plans)} ärenden, varav {len(before)} importerade "
        f"({len(still_open)} handläggs vidare) och {len(since)} genom tjänsterna "
        f"({time_module.monotonic() - started:.0f} s)."
    )
    return len(plans)
