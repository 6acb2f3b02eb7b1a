"""Demo klagomål och synpunkter 2021–2026, modelled on Malmö's kvalitetsberättelse (seed 000
§4.1.1, §4.2.2): from outside 213 in 2025 (177 in 2024), from staff 56 (37). About half of the
closed complaints concern bemötande, most show no deviation after investigation, and the
measures are mostly about following routines. Neighbours complain about insecurity around
housing. No real personal data: names and texts are invented.

Written the way real complaints are (cases.demo): the register moved into Avvika at the turn
of the year. The years before — behind the reports and statistics — come in through the import
service as one file (docs/import.md: type, topics, sender category, channel, finding, measures,
reply); the complaints still open then are imported open and handled on through the services.
Everything received since goes through the services, each step with the clock set to the time
it "happened" (`demo_clock`), so received, acknowledged, replied and closed dates and the
history lie in the past where they belong. Both paths draw the same handling (`_Handling`).
Idempotent: skipped when complaints already exist.
"""

import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.complaints import services as svc
from cases.complaints.models import Complaint
from cases.complaints.workflow import ComplaintStatus
from cases.deadlines import is_working_day
from cases.demo import IMPORT_USER, continue_after, demo_chef, demo_import, demo_step
from cases.models import Case, CaseKind, Code, MeasureLevel, Unit
from cases.services.routing import case_route

# Cases per year: (from outside, from staff). 2024–2025 exactly as in seed 000 so the demo
# report reads "213 (177)" and "56 (37)"; 2021–2023 are estimates kept lower.
VOLUME = {2021: (100, 22), 2022: (110, 24), 2023: (120, 28), 2024: (177, 37), 2025: (213, 56)}
VOLUME_2026 = (60, 16)  # received so far this year; the recent ones are still open

# Units that receive complaints (the sektion handling them), weighted like Malmö: ekonomiskt
# bistånd and utredning barn och unga get the most.
UNIT_WEIGHTS = {
    "EKB-EB-1": 14,
    "EKB-EB-2": 12,
    "UTR-BU-1": 11,
    "UTR-BU-2": 9,
    "EKB-MB-1": 8,
    "UTR-FR-1": 7,
    "BTS-OB-1": 8,
    "INS-OV-2": 6,
    "INS-OV-1": 4,
    "INS-PL-1": 5,
    "UTR-MOT-5": 4,
    "ARB-JC-1": 6,
    "BTS-TT-1": 2,
}

# (type, topics, sender category, title, text) — texts written like real letters, invented.
EXTERNAL = [
    (
        "klagomal",
        ["bemotande"],
        "brukare",
        "Otrevligt bemötande i telefon",
        "Jag ringde min handläggare för att fråga om mitt beslut. Hon lät irriterad, avbröt mig "
        "flera gånger och sa att jag fick läsa beslutet själv. Jag kände mig dum och fick inget svar.",
    ),
    (
        "klagomal",
        ["bemotande"],
        "narstaende",
        "Min mamma blev illa bemött vid besöket",
        "Min mamma var på besök på kontoret och fick vänta i över en timme. När hon frågade hur "
        "länge det skulle dröja fick hon ett kort svar och ingen förklaring. Hon blev ledsen.",
    ),
    (
        "klagomal",
        ["beslut"],
        "brukare",
        "Missnöjd med avslag på ekonomiskt bistånd",
        "Jag har fått avslag på min ansökan om bistånd till tandvård. Jag förstår inte varför när "
        "jag har ont varje dag. Ingen har förklarat hur jag överklagar.",
    ),
    (
        "klagomal",
        ["handlaggning"],
        "brukare",
        "Har inte fått svar på min ansökan",
        "Jag lämnade in min ansökan för sex veckor sedan och har inte hört något. Jag har ringt "
        "tre gånger och lämnat meddelande men ingen ringer tillbaka.",
    ),
    (
        "klagomal",
        ["handlaggning", "information"],
        "brukare",
        "Utbetalningen kom för sent",
        "Pengarna skulle komma den 25:e men kom först efter en vecka. Jag kunde inte betala hyran "
        "i tid och fick en påminnelseavgift. Ingen hade sagt att det skulle bli försenat.",
    ),
    (
        "klagomal",
        ["information"],
        "brukare",
        "Fick inte veta vilka papper som behövdes",
        "Jag fick komplettera min ansökan fyra gånger eftersom jag inte fick veta från början vilka "
        "underlag som behövdes. Det borde finnas en lista.",
    ),
    (
        "klagomal",
        ["rattssakerhet", "handlaggning"],
        "narstaende",
        "Utredningen har tagit för lång tid",
        "Utredningen om vår son har pågått i över fyra månader. Vi har inte fått veta varför den "
        "förlängts och ingen har pratat med honom på länge.",
    ),
    (
        "klagomal",
        ["bemotande", "rattssakerhet"],
        "narstaende",
        "Vi blev inte lyssnade på",
        "Under mötet om vårt barn kändes det som att beslutet redan var fattat. Våra synpunkter "
        "skrevs inte ner och vi fick inte läsa anteckningarna.",
    ),
    (
        "klagomal",
        ["beslut"],
        "narstaende",
        "Missnöjd med beslut om umgänge",
        "Jag anser att familjerättens yttrande till tingsrätten var ensidigt och inte tog hänsyn "
        "till vad barnen själva har sagt.",
    ),
    (
        "klagomal",
        ["miljo-trygghet"],
        "allmanhet",
        "Oro och nedskräpning runt boendet",
        "Vi som bor granne med boendet upplever stor otrygghet på kvällarna. Det är skrik och "
        "bråk, och det ligger sprutor och skräp i buskarna vid lekplatsen.",
    ),
    (
        "klagomal",
        ["miljo-trygghet"],
        "allmanhet",
        "Störningar nattetid från boende",
        "Det har varit störningar flera nätter i rad från boendet på vår gata. Vem ansvarar och "
        "vad gör ni åt det?",
    ),
    (
        "klagomal",
        ["utforande-av-insats"],
        "brukare",
        "Boendestödet kom inte",
        "Min boendestödjare har uteblivit två gånger utan att höra av sig. Jag behöver hjälpen för "
        "att klara vardagen och blir orolig när ingen kommer.",
    ),
    (
        "klagomal",
        ["utforande-av-insats", "bemotande"],
        "narstaende",
        "Familjebehandlingen fungerar inte",
        "Vi har bytt behandlare tre gånger på ett halvår. Varje gång måste vi börja om och berätta "
        "allt igen. Vår dotter vill inte gå dit längre.",
    ),
    (
        "klagomal",
        ["tillganglighet"],
        "brukare",
        "Svårt att nå min handläggare",
        "Telefontiden är bara en timme om dagen och det är alltid upptaget. Jag har ingen dator och "
        "kan inte använda e-tjänsten.",
    ),
    (
        "klagomal",
        ["tillganglighet", "information"],
        "brukare",
        "Beslutet fanns bara i digital brevlåda",
        "Jag har ingen digital brevlåda som fungerar och fick veta om avslaget först när tiden för "
        "att överklaga hade gått ut.",
    ),
    (
        "klagomal",
        ["handlaggning"],
        "annan-myndighet",
        "Orosanmälan har inte bekräftats",
        "Skolan gjorde en orosanmälan för tre veckor sedan men har inte fått någon bekräftelse på "
        "att den tagits emot.",
    ),
    (
        "klagomal",
        ["annat"],
        "allmanhet",
        "Fel adress på brev från socialtjänsten",
        "Jag har fått ett brev från er som var adresserat till någon annan. Det innehöll uppgifter "
        "som jag inte borde ha sett. Jag har slängt det.",
    ),
    (
        "synpunkt",
        ["information"],
        "brukare",
        "Informationen på webben är svår att förstå",
        "Texterna om ekonomiskt bistånd på webbplatsen är svåra att förstå. Skriv enklare och gärna "
        "på fler språk.",
    ),
    (
        "synpunkt",
        ["tillganglighet"],
        "brukare",
        "Önskar längre telefontid",
        "Det vore bra om ni hade telefontid även på eftermiddagen. Många av oss jobbar eller går på "
        "praktik på förmiddagen.",
    ),
    (
        "synpunkt",
        ["miljo-trygghet"],
        "narstaende",
        "Väntrummet är stökigt",
        "Väntrummet på mottagningen är trångt och stökigt. Det finns inget ställe för barn att "
        "vänta på.",
    ),
    (
        "forbattringsforslag",
        ["information"],
        "brukare",
        "Förslag: sms-påminnelse om möten",
        "Skicka gärna ett sms dagen innan ett möte. Jag missade ett möte för att brevet kom för sent.",
    ),
    (
        "forbattringsforslag",
        ["tillganglighet"],
        "allmanhet",
        "Förslag om områdesråd",
        "Starta ett områdesråd där vi grannar kan träffa personal från boendet och prata om hur vi "
        "kan göra området tryggare.",
    ),
    (
        "berom",
        ["bemotande"],
        "brukare",
        "Tack till min handläggare",
        "Jag vill tacka min handläggare som har varit så förstående och hjälpt mig genom en svår "
        "tid. Hon har alltid ringt tillbaka.",
    ),
    (
        "berom",
        ["utforande-av-insats"],
        "narstaende",
        "Beröm till familjebehandlarna",
        "Vi vill ge beröm till familjebehandlarna. Vår son mår mycket bättre och vi pratar med "
        "varandra på ett nytt sätt hemma.",
    ),
    (
        "fraga",
        ["information"],
        "brukare",
        "Hur överklagar jag?",
        "Jag har fått ett beslut som jag inte håller med om. Hur gör jag för att överklaga och hur "
        "lång tid har jag på mig?",
    ),
    (
        "fraga",
        ["handlaggning"],
        "allmanhet",
        "Vart vänder jag mig med oro för ett barn?",
        "Jag är orolig för ett barn i mitt trapphus. Vart ska jag vända mig och kan jag vara anonym?",
    ),
    (
        "klagomal",
        ["bemotande"],
        "via-ivo",
        "Klagomål överlämnat från IVO",
        "IVO har överlämnat ett klagomål från en brukare som anser sig ha blivit kränkande bemött "
        "vid ett hembesök. IVO begär inte yttrande men vill att nämnden hanterar klagomålet.",
    ),
]
# Weights: about half of complaints concern bemötande (seed 000 §4.2.2).
EXTERNAL_WEIGHTS = [9, 7, 7, 6, 4, 4, 3, 4, 2, 3, 2, 3, 2, 3, 2, 2, 1, 2, 2, 1, 1, 1, 3, 2, 2, 1, 1]

STAFF = [
    (
        "klagomal",
        ["handlaggning"],
        "Beslut skickades inte ut",
        "Ett beslut om bistånd registrerades men skickades aldrig till den enskilde. Det upptäcktes "
        "när hon ringde och frågade efter tre veckor.",
    ),
    (
        "klagomal",
        ["handlaggning"],
        "Ansökan låg kvar i fel inkorg",
        "En ansökan hamnade i en funktionsbrevlåda som ingen bevakar under semestern och blev "
        "liggande i två veckor.",
    ),
    (
        "synpunkt",
        ["information"],
        "Rutinen för överlämning är otydlig",
        "Det är otydligt vem som ansvarar för ärendet när det överlämnas mellan mottag och "
        "utredning. Vi gör olika.",
    ),
    (
        "synpunkt",
        ["miljo-trygghet"],
        "Samtalsrummen saknar larm",
        "Två av samtalsrummen saknar överfallslarm. Vi känner oss otrygga vid svåra samtal.",
    ),
    (
        "klagomal",
        ["utforande-av-insats"],
        "Placering utan genomförandeplan",
        "En ungdom har varit placerad i sex veckor utan att någon genomförandeplan upprättats.",
    ),
    (
        "forbattringsforslag",
        ["handlaggning"],
        "Mall för förlängning av utredning",
        "Vi föreslår en gemensam mall för beslut om förlängd utredningstid så att motiveringen "
        "alltid dokumenteras.",
    ),
    (
        "synpunkt",
        ["tillganglighet"],
        "Tolk bokas för sent",
        "Tolk bokas ofta för sent och möten får ställas in. Det drabbar familjer som redan väntat "
        "länge.",
    ),
    (
        "klagomal",
        ["rattssakerhet"],
        "Journalanteckningar förs inte i tid",
        "Flera journalanteckningar från hembesök har förts in först efter en månad. Det gör "
        "dokumentationen osäker.",
    ),
    (
        "synpunkt",
        ["annat"],
        "Verksamhetssystemet låser sig",
        "Verksamhetssystemet låser sig flera gånger i veckan. Då kan vi inte registrera ansökningar "
        "och beslut i tid.",
    ),
    (
        "forbattringsforslag",
        ["information"],
        "Introduktion för vikarier",
        "Vikarier får ingen introduktion i våra rutiner. Vi föreslår en checklista för första "
        "veckan.",
    ),
]

REPLIES_NO_DEVIATION = [
    "Tack för att du hörde av dig. Vi har gått igenom ditt ärende och pratat med berörd "
    "personal. Vi bedömer att handläggningen har följt gällande regler, men vi förstår att du "
    "upplevde situationen som jobbig. Vi tar med oss dina synpunkter i vårt arbete.",
    "Tack för dina synpunkter. Vi har utrett det du beskriver. Beslutet är fattat enligt "
    "gällande riktlinjer. Om du inte håller med om beslutet kan du överklaga det till "
    "förvaltningsrätten. Hur du gör står i beslutet.",
]
REPLIES_DEVIATION = [
    "Tack för att du hörde av dig. Vi har utrett det du beskriver och ser att vi inte har gjort "
    "som vi ska. Vi ber om ursäkt. Vi har gått igenom våra rutiner med personalgruppen så att "
    "det inte ska hända igen.",
    "Tack för ditt klagomål. Du har rätt i att vi borde ha hört av oss tidigare. Vi har nu "
    "ändrat hur vi bevakar ärenden så att ingen ansökan blir liggande.",
]
REPLY_BEROM = "Tack för dina fina ord! Vi har lämnat dem vidare till personalen."
REPLY_FRAGA = (
    "Tack för din fråga. Du hittar information om hur du överklagar i beslutet. "
    "Du är också välkommen att ringa oss så hjälper vi dig."
)
MEASURES = [
    ("Genomgång av rutinen på arbetsplatsträff", "processer", MeasureLevel.UNIT),
    ("Samtal med berörd medarbetare om bemötande", "arbetsledning", MeasureLevel.CASE),
    ("Ny rutin för bevakning av funktionsbrevlådan", "processer", MeasureLevel.UNIT),
    ("Kontakt med den enskilde och rättelse av beslutet", "omedelbar", MeasureLevel.CASE),
    ("Utbildning i bemötande för personalgruppen", "kompetens", MeasureLevel.UNIT),
    ("Rondering kvällstid runt boendet och dialog i områdesråd", "organisation", MeasureLevel.UNIT),
]
NAMES = [
    "Lena Svensson",
    "Ahmed Karimi",
    "Maja Lund",
    "Peter Olsson",
    "Fatima Haddad",
    "Erik Jönsson",
    "Sofia Nguyen",
    "Kenneth Bergström",
    "Amira Saleh",
    "Johan Ek",
]
CHANNEL_WEIGHTS = {"e-tjanst": 55, "e-post": 15, "telefon": 15, "brev": 10, "besok": 5}
IMPORT_FILE = "demo-klagomal-lifecare.csv"
FOUND = {True: "ja", False: "nej", None: ""}


def _working_hours(rng, day: date) -> datetime:
    while day.weekday() >= 5:  # backwards: never past the year's end or today
        day -= timedelta(days=1)
    moment = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _received(rng, year: int, today: date) -> datetime:
    end = date(year, 12, 31) if year < today.year else today - timedelta(days=1)
    day = date(year, 1, 2) + timedelta(days=rng.randint(0, (end - date(year, 1, 2)).days))
    if year == today.year and rng.random() < 0.35:
        # This year: a good share arrived recently, so the inbox has open cases in every step.
        day = max(date(year, 1, 2), today - timedelta(days=rng.randint(1, 40)))
    return _working_hours(rng, day)


def _target_status(rng, received: datetime, now: datetime) -> str:
    age = (now - received).days
    if age < 3:
        return ComplaintStatus.RECEIVED
    if age < 20:
        return rng.choice(
            [ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING, ComplaintStatus.INVESTIGATING]
        )
    if age < 45:
        return rng.choice(
            [ComplaintStatus.INVESTIGATING, ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED]
        )
    # A few old cases are still open (overdue in the inbox).
    return ComplaintStatus.CLOSED if rng.random() > 0.015 else ComplaintStatus.INVESTIGATING


class _Seeder:
    def __init__(self, *, users, rng, now):
        self.rng = rng
        self.now = now
        self.users = users
        self.units = {u.code: u for u in Unit.objects.filter(code__in=UNIT_WEIGHTS)}
        self.unit_codes = [c for c in UNIT_WEIGHTS if c in self.units]
        self.unit_weights = [UNIT_WEIGHTS[c] for c in self.unit_codes]
        self.codes = {(c.codelist, c.code): c for c in Code.objects.all()}
        self.fallback = users.get("kvalitet")

    def code(self, codelist, value):
        return self.codes.get((codelist, value))

    def chef(self, unit: Unit):
        return demo_chef(self.users, unit) or self.fallback

    def clamp(self, at: datetime) -> datetime:
        return min(at, self.now - timedelta(minutes=5))

    def step(self, at: datetime, fn, **kwargs):
        return demo_step(self.clamp(at), fn, **kwargs)

    # --- Drawing a case: what arrives and how it is handled ---------------------------------

    def external(self, received: datetime) -> "_Draft":
        rng = self.rng
        ctype, topics, category, title, text = rng.choices(EXTERNAL, EXTERNAL_WEIGHTS)[0]
        unit = self.units[rng.choices(self.unit_codes, self.unit_weights)[0]]
        if "miljo-trygghet" in topics and category == "allmanhet":
            unit = self.units.get("BTS-OB-1", unit)
        channel = rng.choices(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))[0]
        if category == "via-ivo":
            channel = "brev"
        anonymous = rng.random() < 0.2
        name = rng.choice(NAMES)
        contact = (
            {}
            if anonymous
            else {
                "sender_name": name,
                "sender_email": name.lower()
                .replace(" ", ".")
                .replace("ö", "o")
                .replace("ä", "a")
                .replace("å", "a")
                + "@example.se"
                if rng.random() < 0.6
                else "",
                "sender_phone": f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} "
                f"{rng.randint(10, 99)}"
                if rng.random() < 0.5
                else "",
            }
        )
        actor = None if channel == "e-tjanst" else self.chef(unit)
        return _Draft(
            ctype=ctype,
            topics=topics,
            received=received,
            unit=unit,
            actor=actor,
            create=dict(
                source="utomstaende",
                unit=unit,
                complaint_type=self.code("complaint_type", ctype),
                title=title,
                description=text,
                actor=actor,
                sender_category=self.code("sender_category", category),
                channel=self.code("channel", channel),
                anonymous=anonymous,
                received_at=received,
                with_receipt_code=channel == "e-tjanst",
                **contact,
            ),
        )

    def staff(self, received: datetime) -> "_Draft":
        rng = self.rng
        ctype, topics, title, text = rng.choice(STAFF)
        unit = self.units[rng.choices(self.unit_codes, self.unit_weights)[0]]
        reporter = self.users.get("medarbetare") if unit.code.startswith("UTR-BU") else None
        actor = reporter or self.chef(unit)
        return _Draft(
            ctype=ctype,
            topics=topics,
            received=received,
            unit=unit,
            actor=actor,
            create=dict(
                source="personal",
                unit=unit,
                complaint_type=self.code("complaint_type", ctype),
                title=title,
                description=text,
                actor=actor,
                reporter=reporter,
                sender_category=self.code("sender_category", "personal"),
                received_at=received,
            ),
        )

    def topics(self, topics: list[str]) -> list[Code]:
        chosen = {self.code("complaint_topic", t) for t in topics}
        if self.rng.random() < 0.2:
            chosen.add(
                self.code(
                    "complaint_topic", self.rng.choice(["information", "handlaggning", "bemotande"])
                )
            )
        return sorted(chosen, key=lambda c: c.order)

    def handling(self, draft: "_Draft") -> "_Handling":
        """Every later step of the case, with the moment it happens (clamped to the past)."""
        rng, ctype = self.rng, draft.ctype
        h = _Handling(
            target=_target_status(rng, draft.received, self.now), chef=self.chef(draft.unit)
        )
        if h.target == ComplaintStatus.RECEIVED:
            return h
        at = draft.received + timedelta(days=rng.randint(0, 2), hours=rng.randint(1, 5))
        h.receive_at = self.clamp(at)
        deviation = ctype == "klagomal" and rng.random() < 0.3
        if ctype in ("klagomal", "synpunkt", "forbattringsforslag"):
            at += timedelta(days=rng.randint(2, 8))
            h.assess_at = self.clamp(at)
            h.topics = self.topics(draft.topics)
            h.deviation_found = deviation if ctype == "klagomal" else None
            if deviation:
                h.measures = [
                    (
                        description,
                        self.code("measure_type", mtype),
                        level,
                        (at + timedelta(days=30)).date(),
                    )
                    for description, mtype, level in rng.sample(MEASURES, rng.randint(1, 2))
                ]
        if h.target == ComplaintStatus.INVESTIGATING:
            return h
        at = self.clamp(at + timedelta(days=rng.randint(1, 9)))
        if ctype == "berom":
            h.reply = REPLY_BEROM
        elif ctype == "fraga":
            h.reply = REPLY_FRAGA
        else:
            h.reply = rng.choice(REPLIES_DEVIATION if deviation else REPLIES_NO_DEVIATION)
        h.reply_at = at
        if h.target == ComplaintStatus.ANSWERED:
            return h
        at += timedelta(days=rng.randint(1, 10))
        h.close_at = self.clamp(at)
        h.close_reason = "Åtgärder vidtagna" if deviation else "Besvarat, ingen avvikelse"
        return h

    # --- Before the move: one import row per complaint --------------------------------------

    def import_row(
        self, draft: "_Draft", h: "_Handling", reference: str, moved: datetime
    ) -> dict[str, str]:
        """The old system's row: everything for a complaint closed before the move, only what
        came in for one still open (its handling comes later, in Avvika)."""
        c = draft.create
        row = {
            "typ": f"klagomal_{c['source']}",
            "extern_referens": reference,
            "enhet": draft.unit.code,
            "inkom": _day(draft.received),
            "rubrik": c["title"],
            "beskrivning": c["description"],
            "klagomalstyp": draft.ctype,
            "avsandare": c["sender_category"].code,
            "kanal": c["channel"].code if c.get("channel") else "",
        }
        if _closed_before(h, moved):
            row.update(
                {
                    "avslutad": _day(h.close_at),
                    "amnen": "|".join(t.code for t in h.topics),
                    "avvikelse_konstaterad": FOUND[h.deviation_found],
                    "atgarder": "|".join(mtype.code for _d, mtype, _l, _due in h.measures),
                    "aterkoppling": h.reply,
                    "aterkoppling_datum": _day(h.reply_at),
                }
            )
        return row

    # --- Through the services (the cases the personas click through) ------------------------

    def report(self, draft: "_Draft") -> Case:
        return self.step(draft.received, svc.complaint_create, **draft.create).complaint.case

    def handle(self, case: Case, h: "_Handling", receive_at, assess_at, reply_at, close_at) -> None:
        """Every step after the complaint came in, each at its moment."""
        chef = h.chef
        if receive_at is None:
            return
        if chef is self.fallback:
            # No demo chef over this unit: the quality strategist handles it as the assigned
            # handläggare (the services let only handlers act: the complaint's action table).
            case = self.step(
                receive_at,
                svc.complaint_assign,
                case=case,
                assignee=chef,
                actor=None,
                reason="Demodata",
            )
        case = self.step(receive_at, svc.complaint_receive, case=case, actor=chef, notify=False)
        if assess_at is not None:
            self.step(
                assess_at,
                svc.complaint_assess,
                case=case,
                topics=h.topics,
                deviation_found=h.deviation_found,
                actor=chef,
                reason="Utredning klar",
            )
            for description, mtype, level, due in h.measures:
                self.step(
                    assess_at,
                    svc.complaint_measure_add,
                    case=case,
                    description=description,
                    measure_type=mtype,
                    level=level,
                    actor=chef,
                    due_date=due,
                )
        if reply_at is not None:
            case = self.step(
                reply_at,
                svc.complaint_reply,
                case=case,
                reply_text=h.reply,
                actor=chef,
                replied_on=timezone.localtime(reply_at).date(),
                notify=False,
            )
        if close_at is not None:
            self.step(
                close_at,
                svc.complaint_close,
                case=case,
                actor=chef,
                confirm_open_measures=True,
                reason=h.close_reason,
            )


def _day(moment: datetime) -> str:
    return timezone.localtime(moment).date().isoformat()


def _closed_before(h: "_Handling", moved: datetime) -> bool:
    return h.close_at is not None and h.close_at < moved


@dataclass
class _Draft:
    ctype: str
    topics: list[str]
    received: datetime
    unit: Unit
    actor: object
    create: dict  # the arguments of complaint_create


@dataclass
class _Handling:
    target: str
    chef: object
    receive_at: datetime | None = None
    assess_at: datetime | None = None
    topics: list[Code] = field(default_factory=list)
    deviation_found: bool | None = None
    measures: list[tuple] = field(default_factory=list)  # (description, type, level, due)
    reply: str = ""
    reply_at: datetime | None = None
    close_at: datetime | None = None
    close_reason: str = ""


def seed(*, users, rng, stdout, years=None, scale: float = 1.0) -> int:
    """Create the demo complaints. `years`/`scale` let tests run a small version."""
    if Complaint.objects.exists():
        stdout.write("Klagomål och synpunkter finns redan – hoppar över.")
        return 0
    started = time_module.monotonic()
    now = timezone.now()
    seeder = _Seeder(users=users, rng=rng, now=now)
    if not seeder.unit_codes:
        stdout.write("Inga demoenheter för klagomål – hoppar över.")
        return 0
    volume = dict(VOLUME)
    volume[now.year] = VOLUME_2026
    drawn: list[tuple[_Draft, _Handling]] = []
    for year in sorted(volume):
        if years is not None and year not in years:
            continue
        external, staff = (max(1, round(n * scale)) for n in volume[year])
        # Chronological within the year so reference numbers follow the received dates.
        today = now.date()
        arrivals = sorted(
            [(_received(rng, year, today), "external") for _i in range(external)]
            + [(_received(rng, year, today), "staff") for _i in range(staff)]
        )
        for received, source in arrivals:
            draft = (seeder.external if source == "external" else seeder.staff)(received)
            drawn.append((draft, seeder.handling(draft)))
    moved = timezone.make_aware(datetime(now.year, 1, 1))
    before = [(d, h) for d, h in drawn if d.received < moved]
    since = [(d, h) for d, h in drawn if d.received >= moved]
    refs = [f"LC-KS-{d.received.year}-{i:04d}" for i, (d, _h) in enumerate(before, start=1)]
    with transaction.atomic():
        demo_import(
            [seeder.import_row(d, h, ref, moved) for (d, h), ref in zip(before, refs, strict=True)],
            filename=IMPORT_FILE,
            user=users.get(IMPORT_USER),
            at=moved,
        )
        imported = {
            c.external_reference: c
            for c in Case.objects.filter(
                kind=CaseKind.COMPLAINT, imported_from=IMPORT_FILE, closed_at__isnull=True
            )
        }
        for (_draft, h), ref in zip(before, refs, strict=True):
            if ref in imported:  # open at the move: handled on in the weeks after it
                resumed = moved + timedelta(days=rng.randint(1, 9), hours=rng.randint(8, 15))
                seeder.handle(
                    imported[ref],
                    h,
                    *continue_after(
                        resumed,
                        [h.receive_at, h.assess_at, h.reply_at, h.close_at],
                        latest=seeder.clamp(now),
                    ),
                )
        for draft, h in since:
            seeder.handle(
                seeder.report(draft), h, h.receive_at, h.assess_at, h.reply_at, h.close_at
            )
    routed = _seed_routing(users=users, now=now)
    stdout.write(
        f"Klagomål och synpunkter: {len(drawn) + routed} ärenden ({routed} via fördelning), varav {len(before)} importerade "
        f"({len(imported)} handläggs vidare) och {len(since)} genom tjänsterna "
        f"({time_module.monotonic() - started:.0f} s)."
    )
    return len(drawn) + routed


# Residents choose a verksamhetsområde (or "Jag vet inte": the förvaltning); the registrator
# routes each to a section (issue 18). (area code, section or "" = still waiting, working days
# ago, title words for the text)
ROUTING_DEMO = [
    ("UTR-BU", "", 3, "Jag har väntat länge på besked om min sons utredning."),
    ("EKB-EB", "", 0, "Min ansökan om försörjningsstöd har inte fått något svar."),
    ("ASF", "", 1, "Jag vet inte vem jag ska vända mig till om min granne som behöver hjälp."),
    ("INS-OV", "INS-OV-2", 6, "Familjebehandlingen ställde in två möten utan att säga till."),
    ("EKB-EB", "EKB-EB-1", 9, "Handläggaren svarar inte i telefon och ringer inte tillbaka."),
]


def _working_days_before(now: datetime, days: int) -> datetime:
    day = timezone.localtime(now).date()
    while days > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return min(timezone.make_aware(datetime.combine(day, time(8, 30))), now - timedelta(minutes=30))


def _seed_routing(*, users, now: datetime) -> int:
    """Complaints that came in to an area: three still in the "Att fördela" queue (one
    overdue), two routed to a section by the registrator the morning after, one of those
    received by the section's chef. Through the services, at the moments they happened."""
    registrator = users.get("registrator")
    if registrator is None:
        return 0
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in={r[0] for r in ROUTING_DEMO} | {r[1] for r in ROUTING_DEMO}
        )
    }
    created = 0
    for area, section, days_ago, text in ROUTING_DEMO:
        if area not in units:
            continue
        received = _working_days_before(now, days_ago)
        submission = demo_step(
            received,
            svc.complaint_submit_public,
            unit=units[area],
            complaint_type="klagomal",
            description=text,
            sender_category="brukare",
            sender_name="Demo Invånare",
        )
        created += 1
        if not section or section not in units:
            continue
        routed_at = min(received + timedelta(days=1), now - timedelta(minutes=20))
        case = demo_step(
            routed_at,
            case_route,
            case=submission.complaint.case,
            unit=units[section],
            actor=registrator,
            reason="Gäller sektionens insatser",
            notify=False,
        )
        chef = demo_chef(users, units[section])
        if chef is not None and days_ago > 7:
            demo_step(
                routed_at + timedelta(hours=2),
                svc.complaint_receive,
                case=case,
                actor=chef,
                notify=False,
            )
    return created
