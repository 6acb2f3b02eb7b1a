"""Demo kvalitetsavvikelser 2021–today: about 1 200 a year over the demo sections, with event
categories, Karlshamn's deficiency areas, root causes, consequences and measures. Most are
closed; recent ones are open in every step. Invented texts, no real personal data.

~7 000 cases through the services would take minutes, so the rows are written in bulk — but
every step still leaves its history row (reported, received, investigating, closed) with the
user, reason and the date it "happened", as the services would have written it.
Idempotent: skipped when deviations already exist.
"""

import copy
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cases.deadlines import due_for
from cases.models import Case, CaseKind, Code, Measure, ReferenceCounter, Unit
from cases.registry import case_type

from .bulk import DeviationSpec, deviations_bulk_create
from .models import Deviation, ReclassifiedTo
from .workflow import DeviationOutcome, DeviationStatus

PER_YEAR = 1200
FIRST_YEAR = 2021
REASON = "Demodata"
UNIT_WEIGHTS = {
    "UTR-BU-1": 12, "UTR-BU-2": 10, "UTR-FR-1": 6, "UTR-MOT-5": 5, "INS-OV-1": 6,
    "INS-OV-2": 9, "INS-PL-1": 8, "EKB-EB-1": 12, "EKB-EB-2": 10, "EKB-MB-1": 7,
    "BTS-OB-1": 8, "BTS-TT-1": 2, "ARB-JC-1": 5,
}
CHEF_FOR_UNIT = {"UTR-BU-1": "chef.utredning", "INS-OV-2": "chef.insats",
                 "EKB-EB-1": "chef.bistand"}

# (event category, deficiency pool, root-cause pool, consequence, title, what happened,
#  immediate consequence, weight)
EVENTS = [
    ("utebliven-insats", ["utebliven-felaktig-insats", "processer-rutiner"],
     ["rutin-ej-foljd", "arbetsbelastning"], "fordrojning", "Beslut verkställdes inte i tid",
     "Beslut om insats fattades men verkställdes inte förrän fem veckor senare.",
     "Den enskilde fick vänta på stöd.", 10),
    ("handlaggning", ["handlaggning", "rattssakerhet"], ["rutin-saknas", "kunskap"],
     "rattsforlust", "Beslut saknade överklagandehänvisning",
     "Ett avslagsbeslut skickades utan information om hur man överklagar.",
     "Tiden för överklagande riskerade att gå ut.", 8),
    ("dokumentation", ["dokumentation"], ["arbetsbelastning", "rutin-ej-foljd"], "ingen",
     "Journalanteckningar fördes sent",
     "Anteckningar från hembesök fördes in i journalen först efter fyra veckor.",
     "", 10),
    ("sekretess", ["kommunikation-information", "rattssakerhet"], ["rutin-ej-foljd", "teknik"],
     "obehag", "Brev skickades till fel adress",
     "Ett brev med uppgifter om en familj skickades till en gammal adress.",
     "Uppgifter kan ha lästs av obehörig.", 6),
    ("overlamning", ["processer-rutiner", "kommunikation-information"],
     ["samverkan", "rutin-saknas"], "fordrojning", "Ärende blev liggande vid överlämning",
     "Ärendet överlämnades mellan mottag och utredning utan att någon tog ansvar.",
     "Utredningen startade två veckor sent.", 9),
    ("bemotande", ["bemotande"], ["arbetsledning", "kunskap"], "obehag",
     "Otydligt bemötande vid besök", "En förälder fick ett kort och otydligt besked i receptionen.",
     "Föräldern blev orolig och ringde flera gånger.", 5),
    ("felaktig-insats", ["utebliven-felaktig-insats", "kompetens"], ["kunskap", "samverkan"],
     "annan", "Fel insats beviljades", "Insatsen som beviljades motsvarade inte behovet i utredningen.",
     "", 4),
    ("handlaggning", ["handlaggning", "delaktighet"], ["arbetsbelastning", "arbetsledning"],
     "fordrojning", "Utredningstiden överskreds",
     "Utredningen förlängdes utan beslut om förlängning och utan att barnet hördes.",
     "Barnets behov blev inte utrett i tid.", 9),
    ("ovrigt", ["teknik-utrustning"], ["teknik"], "fordrojning", "Verksamhetssystemet låg nere",
     "Verksamhetssystemet gick inte att använda under en hel dag.",
     "Ansökningar kunde inte registreras.", 5),
    ("vald-hot", ["vald-tvang-begransning", "omgivning-organisation"], ["lokaler", "arbetsledning"],
     "obehag", "Hotfull situation i väntrummet",
     "En besökare blev hotfull i väntrummet; överfallslarmet fungerade inte.",
     "Personal och besökare kände sig otrygga.", 3),
    ("utebliven-insats", ["utebliven-felaktig-insats", "omgivning-organisation"],
     ["arbetsbelastning"], "fordrojning", "Boendestöd uteblev vid frånvaro",
     "Boendestödjaren var sjuk och ingen ersättare sattes in.",
     "Den enskilde fick inget stöd den veckan.", 6),
    ("handlaggning", ["handlaggning", "processer-rutiner"], ["rutin-ej-foljd"], "ekonomisk",
     "Utbetalning av försörjningsstöd försenad",
     "Utbetalningen gjordes en vecka för sent på grund av att beslutet inte attesterades.",
     "Hyran kunde inte betalas i tid.", 8),
    ("dokumentation", ["dokumentation", "kompetens"], ["kunskap", "rutin-saknas"], "ingen",
     "Genomförandeplan saknades", "En placering pågick i sex veckor utan genomförandeplan.",
     "", 5),
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
    DeviationOutcome.WITH_MEASURES: 55, DeviationOutcome.WITHOUT_MEASURES: 28,
    DeviationOutcome.NOT_A_DEVIATION: 14, DeviationOutcome.RECLASSIFIED: 3,
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


@dataclass
class _Plan:
    case: Case
    steps: list[tuple[datetime, str, object, dict]] = field(default_factory=list)
    spec: DeviationSpec | None = None
    measures: list[Measure] = field(default_factory=list)


def _allocate(prefix: str, year: int, count: int) -> range:
    """Reserve `count` gap-free numbers at once (the counter row the services use)."""
    table = ReferenceCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (prefix, year, last_number) VALUES (%s, %s, %s)
                ON CONFLICT (prefix, year)
                DO UPDATE SET last_number = {table}.last_number + EXCLUDED.last_number
                RETURNING last_number""",  # noqa: S608 - our table name, values are parameters
            [prefix, year, count],
        )
        last = cursor.fetchone()[0]
    return range(last - count + 1, last + 1)


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
        return rng.choice([DeviationStatus.RECEIVED, DeviationStatus.INVESTIGATING,
                           DeviationStatus.INVESTIGATING])
    if age_days < 120:
        return DeviationStatus.CLOSED if rng.random() < 0.7 else DeviationStatus.INVESTIGATING
    # A few old ones are still open: overdue in the inbox.
    return DeviationStatus.CLOSED if rng.random() > 0.01 else DeviationStatus.INVESTIGATING


class _Seeder:
    def __init__(self, *, users, rng, now):
        self.rng, self.now, self.users = rng, now, users
        self.units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_WEIGHTS)}
        self.unit_codes = [c for c in UNIT_WEIGHTS if c in self.units]
        self.unit_weights = [UNIT_WEIGHTS[c] for c in self.unit_codes]
        self.codes = {(c.codelist, c.code): c for c in Code.objects.all()}
        self.fallback = users.get("kvalitet")

    def chef(self, unit: Unit):
        return self.users.get(CHEF_FOR_UNIT.get(unit.code, ""), self.fallback)

    def at(self, moment: datetime) -> datetime:
        return min(moment, self.now - timedelta(minutes=5))

    def plan(self, received: datetime, reference: str) -> _Plan:
        rng = self.rng
        event = rng.choices(EVENTS, [e[-1] for e in EVENTS])[0]
        category, deficiencies, causes, consequence, title, text, immediate, _w = event
        unit = self.units[rng.choices(self.unit_codes, self.unit_weights)[0]]
        chef = self.chef(unit)
        reporter = self.users.get("medarbetare") if unit.code == "UTR-BU-1" else None
        case = Case(kind=CaseKind.DEVIATION, reference=reference, unit=unit, title=title,
                    description=text, received_at=received, reporter=reporter,
                    occurred_on=(received - timedelta(days=rng.randint(0, 6))).date(),
                    status=DeviationStatus.REPORTED)
        plan = _Plan(case=case)
        plan.steps.append((received, "Avvikelse rapporterad", reporter or chef, {}))
        target = _target(rng, (self.now - received).days)
        moment = received
        if target != DeviationStatus.REPORTED:
            moment = self.at(moment + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6)))
            plan.steps.append((moment, "Avvikelsen mottagen", chef,
                               {"status": DeviationStatus.RECEIVED, "assignee": chef}))
        classified = target in (DeviationStatus.INVESTIGATING, DeviationStatus.CLOSED)
        if classified:
            moment = self.at(moment + timedelta(days=rng.randint(1, 10)))
            plan.steps.append((moment, "Utredning påbörjad", chef,
                               {"status": DeviationStatus.INVESTIGATING,
                                "event_category": self.codes[("event_category", category)]}))
        outcome = ""
        if target == DeviationStatus.CLOSED:
            outcome = rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            moment = self.at(moment + timedelta(days=rng.randint(7, 75)))
            plan.steps.append((moment, f"{DeviationOutcome(outcome).label}", chef,
                               {"status": DeviationStatus.CLOSED, "closed_at": moment,
                                "outcome": outcome}))
        plan.spec = self.spec(case, classified, deficiencies, causes, consequence, immediate,
                              outcome, moment, chef)
        if outcome == DeviationOutcome.WITH_MEASURES or (
                target == DeviationStatus.INVESTIGATING and rng.random() < 0.3):
            plan.measures = self.measures(case, chef, moment, closed=bool(outcome))
        return plan

    def spec(self, case, classified, deficiencies, causes, consequence, immediate, outcome,
             moment, chef) -> DeviationSpec:
        rng = self.rng
        deviation = Deviation(
            case=case, immediate_consequence=immediate,
            concerns_child=case.unit.code.startswith(("UTR-BU", "INS")) and rng.random() < 0.6,
            at_absence_or_handover=rng.random() < 0.15,
            closing_summary=SUMMARIES.get(outcome, "") if outcome else "",
        )
        if outcome == DeviationOutcome.RECLASSIFIED:
            deviation.reclassified_to = rng.choice([ReclassifiedTo.VARDSKADA,
                                                    ReclassifiedTo.ARBETSMILJO])
            deviation.reclassification_reason = "Händelsen gäller hälso- och sjukvård/arbetsmiljö."
        spec = DeviationSpec(deviation=deviation, history_date=moment, history_user=chef)
        if classified:
            deviation.consequence = self.codes[("consequence", consequence)]
            chosen = rng.sample(deficiencies, rng.randint(1, len(deficiencies)))
            if rng.random() < 0.2:
                chosen.append(rng.choice(["kompetens", "kommunikation-information"]))
            spec.deficiency_ids = sorted({self.codes[("deficiency", c)].pk for c in chosen})
            spec.root_cause_ids = sorted({self.codes[("root_cause", c)].pk for c in
                                          rng.sample(causes, rng.randint(1, len(causes)))})
        return spec

    def measures(self, case, chef, moment, *, closed: bool) -> list[Measure]:
        rng = self.rng
        out = []
        for description, mtype, level, _w in rng.sample(MEASURES, rng.randint(1, 2)):
            done = closed and (self.now - moment).days > 45
            measure = Measure(
                case=case, description=description, measure_type=self.codes[("measure_type", mtype)],
                level=level, responsible=chef, due_date=(moment + timedelta(days=30)).date(),
                status=Measure.Status.DONE if done else Measure.Status.PLANNED,
                completed_on=(moment + timedelta(days=rng.randint(5, 30))).date() if done else None,
                created_by=chef,
            )
            measure._history_date = moment - timedelta(hours=1)  # type: ignore[attr-defined]
            measure._history_user = chef  # type: ignore[attr-defined]
            out.append(measure)
        return out


def _snapshots(plans: list[_Plan]) -> tuple[list[Case], list[Case]]:
    """Set each case to its final state; return the history snapshots (created, later)."""
    created, later = [], []
    for plan in plans:
        case = plan.case
        for index, (moment, reason, user, changes) in enumerate(plan.steps):
            for name, value in changes.items():
                setattr(case, name, value)
            case.version = index + 1
            snap = copy.copy(case)
            snap._history_date, snap._history_user = moment, user  # type: ignore[attr-defined]
            snap._change_reason = reason  # type: ignore[attr-defined]
            (later if index else created).append(snap)
        if case.closed_at is None:
            case.due_step = "receive" if case.status == DeviationStatus.REPORTED else "close"
            case.due_at = due_for(CaseKind.DEVIATION, case.due_step, case.received_at)
    return created, later


def _write(plans: list[_Plan]) -> None:
    created, later = _snapshots(plans)
    cases = [p.case for p in plans]
    Case.objects.bulk_create(cases, batch_size=2000)
    saved = {c.reference: c for c in cases}
    for snap in created + later:
        case = saved[snap.reference]
        snap.pk, snap.created_at, snap.updated_at = case.pk, case.created_at, case.updated_at
    Case.history.bulk_history_create(created, batch_size=2000, default_change_reason=REASON)
    Case.history.bulk_history_create(later, batch_size=2000, update=True,
                                     default_change_reason=REASON)
    # The deviation and measure rows pick up their case's new pk when they are saved.
    deviations_bulk_create([p.spec for p in plans], user=None, reason=REASON)
    measures = [m for p in plans for m in p.measures]
    bulk_create_with_history(measures, Measure, batch_size=2000, default_change_reason=REASON)


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
    total = 0
    for year in range(FIRST_YEAR, now.year + 1):
        if years is not None and year not in years:
            continue
        share = 1.0 if year < now.year else now.timetuple().tm_yday / 366
        count = max(1, round(PER_YEAR * share * scale))
        # Chronological within the year so reference numbers follow the received dates.
        received = sorted(_received(rng, year, now) for _i in range(count))
        with transaction.atomic():
            numbers = _allocate(case_type(CaseKind.DEVIATION).reference_prefix, year, count)
            plans = [seeder.plan(r, f"AV-{year}-{n:04d}")
                     for r, n in zip(received, numbers, strict=True)]
            _write(plans)
        total += count
    stdout.write(f"Kvalitetsavvikelser: {total} ärenden ({time_module.monotonic() - started:.0f} s).")
    return total
