"""Demo klagomål och synpunkter 2021–2026, modelled on Malmö's kvalitetsberättelse (seed 000
§4.1.1, §4.2.2): from outside 213 in 2025 (177 in 2024), from staff 56 (37). About half of the
closed complaints concern bemötande, most show no deviation after investigation, and the
measures are mostly about following routines. Neighbours complain about insecurity around
housing. No real personal data: names and texts are invented.

The cases the personas work with — everything received this year, and every older case still
open — go through the services, each step with the clock set to the time it "happened" (see
`_clock`), so received, acknowledged, replied and closed dates and the history lie in the past
where they belong. The closed years behind the reports and statistics (~900 cases; 90 s through
the services) are written in bulk in a few seconds, the way deviations/demo.py does: the same
rows, and every step's history row with its date, user and reason, as the services would have
written them. Both paths draw the same handling (`_Handling`). Idempotent: skipped when
complaints already exist.
"""

import contextlib
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cases.complaints import services as svc
from cases.complaints.demo_bulk import REASON, Plan, write_block
from cases.complaints.models import Complaint
from cases.complaints.workflow import COMPLAINT_WORKFLOW, ComplaintStatus
from cases.models import Case, CaseKind, Code, Measure, MeasureLevel, Unit

# Cases per year: (from outside, from staff). 2024–2025 exactly as in seed 000 so the demo
# report reads "213 (177)" and "56 (37)"; 2021–2023 are estimates kept lower.
VOLUME = {2021: (100, 22), 2022: (110, 24), 2023: (120, 28), 2024: (177, 37), 2025: (213, 56)}
VOLUME_2026 = (60, 16)  # received so far this year; the recent ones are still open

# Units that receive complaints (the sektion handling them), weighted like Malmö: ekonomiskt
# bistånd and utredning barn och unga get the most.
UNIT_WEIGHTS = {
    "EKB-EB-1": 14, "EKB-EB-2": 12, "UTR-BU-1": 11, "UTR-BU-2": 9, "EKB-MB-1": 8,
    "UTR-FR-1": 7, "BTS-OB-1": 8, "INS-OV-2": 6, "INS-OV-1": 4, "INS-PL-1": 5,
    "UTR-MOT-5": 4, "ARB-JC-1": 6, "BTS-TT-1": 2,
}
CHEF_FOR_UNIT = {"UTR-BU-1": "chef.utredning", "INS-OV-2": "chef.insats",
                 "EKB-EB-1": "chef.bistand"}

# (type, topics, sender category, title, text) — texts written like real letters, invented.
EXTERNAL = [
    ("klagomal", ["bemotande"], "brukare", "Otrevligt bemötande i telefon",
     "Jag ringde min handläggare för att fråga om mitt beslut. Hon lät irriterad, avbröt mig "
     "flera gånger och sa att jag fick läsa beslutet själv. Jag kände mig dum och fick inget svar."),
    ("klagomal", ["bemotande"], "narstaende", "Min mamma blev illa bemött vid besöket",
     "Min mamma var på besök på kontoret och fick vänta i över en timme. När hon frågade hur "
     "länge det skulle dröja fick hon ett kort svar och ingen förklaring. Hon blev ledsen."),
    ("klagomal", ["beslut"], "brukare", "Missnöjd med avslag på ekonomiskt bistånd",
     "Jag har fått avslag på min ansökan om bistånd till tandvård. Jag förstår inte varför när "
     "jag har ont varje dag. Ingen har förklarat hur jag överklagar."),
    ("klagomal", ["handlaggning"], "brukare", "Har inte fått svar på min ansökan",
     "Jag lämnade in min ansökan för sex veckor sedan och har inte hört något. Jag har ringt "
     "tre gånger och lämnat meddelande men ingen ringer tillbaka."),
    ("klagomal", ["handlaggning", "information"], "brukare", "Utbetalningen kom för sent",
     "Pengarna skulle komma den 25:e men kom först efter en vecka. Jag kunde inte betala hyran "
     "i tid och fick en påminnelseavgift. Ingen hade sagt att det skulle bli försenat."),
    ("klagomal", ["information"], "brukare", "Fick inte veta vilka papper som behövdes",
     "Jag fick komplettera min ansökan fyra gånger eftersom jag inte fick veta från början vilka "
     "underlag som behövdes. Det borde finnas en lista."),
    ("klagomal", ["rattssakerhet", "handlaggning"], "narstaende", "Utredningen har tagit för lång tid",
     "Utredningen om vår son har pågått i över fyra månader. Vi har inte fått veta varför den "
     "förlängts och ingen har pratat med honom på länge."),
    ("klagomal", ["bemotande", "rattssakerhet"], "narstaende", "Vi blev inte lyssnade på",
     "Under mötet om vårt barn kändes det som att beslutet redan var fattat. Våra synpunkter "
     "skrevs inte ner och vi fick inte läsa anteckningarna."),
    ("klagomal", ["beslut"], "narstaende", "Missnöjd med beslut om umgänge",
     "Jag anser att familjerättens yttrande till tingsrätten var ensidigt och inte tog hänsyn "
     "till vad barnen själva har sagt."),
    ("klagomal", ["miljo-trygghet"], "allmanhet", "Oro och nedskräpning runt boendet",
     "Vi som bor granne med boendet upplever stor otrygghet på kvällarna. Det är skrik och "
     "bråk, och det ligger sprutor och skräp i buskarna vid lekplatsen."),
    ("klagomal", ["miljo-trygghet"], "allmanhet", "Störningar nattetid från boende",
     "Det har varit störningar flera nätter i rad från boendet på vår gata. Vem ansvarar och "
     "vad gör ni åt det?"),
    ("klagomal", ["utforande-av-insats"], "brukare", "Boendestödet kom inte",
     "Min boendestödjare har uteblivit två gånger utan att höra av sig. Jag behöver hjälpen för "
     "att klara vardagen och blir orolig när ingen kommer."),
    ("klagomal", ["utforande-av-insats", "bemotande"], "narstaende",
     "Familjebehandlingen fungerar inte",
     "Vi har bytt behandlare tre gånger på ett halvår. Varje gång måste vi börja om och berätta "
     "allt igen. Vår dotter vill inte gå dit längre."),
    ("klagomal", ["tillganglighet"], "brukare", "Svårt att nå min handläggare",
     "Telefontiden är bara en timme om dagen och det är alltid upptaget. Jag har ingen dator och "
     "kan inte använda e-tjänsten."),
    ("klagomal", ["tillganglighet", "information"], "brukare", "Beslutet fanns bara i digital brevlåda",
     "Jag har ingen digital brevlåda som fungerar och fick veta om avslaget först när tiden för "
     "att överklaga hade gått ut."),
    ("klagomal", ["handlaggning"], "annan-myndighet", "Orosanmälan har inte bekräftats",
     "Skolan gjorde en orosanmälan för tre veckor sedan men har inte fått någon bekräftelse på "
     "att den tagits emot."),
    ("klagomal", ["annat"], "allmanhet", "Fel adress på brev från socialtjänsten",
     "Jag har fått ett brev från er som var adresserat till någon annan. Det innehöll uppgifter "
     "som jag inte borde ha sett. Jag har slängt det."),
    ("synpunkt", ["information"], "brukare", "Informationen på webben är svår att förstå",
     "Texterna om ekonomiskt bistånd på webbplatsen är svåra att förstå. Skriv enklare och gärna "
     "på fler språk."),
    ("synpunkt", ["tillganglighet"], "brukare", "Önskar längre telefontid",
     "Det vore bra om ni hade telefontid även på eftermiddagen. Många av oss jobbar eller går på "
     "praktik på förmiddagen."),
    ("synpunkt", ["miljo-trygghet"], "narstaende", "Väntrummet är stökigt",
     "Väntrummet på mottagningen är trångt och stökigt. Det finns inget ställe för barn att "
     "vänta på."),
    ("forbattringsforslag", ["information"], "brukare", "Förslag: sms-påminnelse om möten",
     "Skicka gärna ett sms dagen innan ett möte. Jag missade ett möte för att brevet kom för sent."),
    ("forbattringsforslag", ["tillganglighet"], "allmanhet", "Förslag om områdesråd",
     "Starta ett områdesråd där vi grannar kan träffa personal från boendet och prata om hur vi "
     "kan göra området tryggare."),
    ("berom", ["bemotande"], "brukare", "Tack till min handläggare",
     "Jag vill tacka min handläggare som har varit så förstående och hjälpt mig genom en svår "
     "tid. Hon har alltid ringt tillbaka."),
    ("berom", ["utforande-av-insats"], "narstaende", "Beröm till familjebehandlarna",
     "Vi vill ge beröm till familjebehandlarna. Vår son mår mycket bättre och vi pratar med "
     "varandra på ett nytt sätt hemma."),
    ("fraga", ["information"], "brukare", "Hur överklagar jag?",
     "Jag har fått ett beslut som jag inte håller med om. Hur gör jag för att överklaga och hur "
     "lång tid har jag på mig?"),
    ("fraga", ["handlaggning"], "allmanhet", "Vart vänder jag mig med oro för ett barn?",
     "Jag är orolig för ett barn i mitt trapphus. Vart ska jag vända mig och kan jag vara anonym?"),
    ("klagomal", ["bemotande"], "via-ivo", "Klagomål överlämnat från IVO",
     "IVO har överlämnat ett klagomål från en brukare som anser sig ha blivit kränkande bemött "
     "vid ett hembesök. IVO begär inte yttrande men vill att nämnden hanterar klagomålet."),
]
# Weights: about half of complaints concern bemötande (seed 000 §4.2.2).
EXTERNAL_WEIGHTS = [9, 7, 7, 6, 4, 4, 3, 4, 2, 3, 2, 3, 2, 3, 2, 2, 1, 2, 2, 1, 1, 1, 3, 2, 2, 1, 1]

STAFF = [
    ("klagomal", ["handlaggning"], "Beslut skickades inte ut",
     "Ett beslut om bistånd registrerades men skickades aldrig till den enskilde. Det upptäcktes "
     "när hon ringde och frågade efter tre veckor."),
    ("klagomal", ["handlaggning"], "Ansökan låg kvar i fel inkorg",
     "En ansökan hamnade i en funktionsbrevlåda som ingen bevakar under semestern och blev "
     "liggande i två veckor."),
    ("synpunkt", ["information"], "Rutinen för överlämning är otydlig",
     "Det är otydligt vem som ansvarar för ärendet när det överlämnas mellan mottag och "
     "utredning. Vi gör olika."),
    ("synpunkt", ["miljo-trygghet"], "Samtalsrummen saknar larm",
     "Två av samtalsrummen saknar överfallslarm. Vi känner oss otrygga vid svåra samtal."),
    ("klagomal", ["utforande-av-insats"], "Placering utan genomförandeplan",
     "En ungdom har varit placerad i sex veckor utan att någon genomförandeplan upprättats."),
    ("forbattringsforslag", ["handlaggning"], "Mall för förlängning av utredning",
     "Vi föreslår en gemensam mall för beslut om förlängd utredningstid så att motiveringen "
     "alltid dokumenteras."),
    ("synpunkt", ["tillganglighet"], "Tolk bokas för sent",
     "Tolk bokas ofta för sent och möten får ställas in. Det drabbar familjer som redan väntat "
     "länge."),
    ("klagomal", ["rattssakerhet"], "Journalanteckningar förs inte i tid",
     "Flera journalanteckningar från hembesök har förts in först efter en månad. Det gör "
     "dokumentationen osäker."),
    ("synpunkt", ["annat"], "Verksamhetssystemet låser sig",
     "Verksamhetssystemet låser sig flera gånger i veckan. Då kan vi inte registrera ansökningar "
     "och beslut i tid."),
    ("forbattringsforslag", ["information"], "Introduktion för vikarier",
     "Vikarier får ingen introduktion i våra rutiner. Vi föreslår en checklista för första "
     "veckan."),
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
REPLY_FRAGA = ("Tack för din fråga. Du hittar information om hur du överklagar i beslutet. "
               "Du är också välkommen att ringa oss så hjälper vi dig.")
MEASURES = [
    ("Genomgång av rutinen på arbetsplatsträff", "processer", MeasureLevel.UNIT),
    ("Samtal med berörd medarbetare om bemötande", "arbetsledning", MeasureLevel.CASE),
    ("Ny rutin för bevakning av funktionsbrevlådan", "processer", MeasureLevel.UNIT),
    ("Kontakt med den enskilde och rättelse av beslutet", "omedelbar", MeasureLevel.CASE),
    ("Utbildning i bemötande för personalgruppen", "kompetens", MeasureLevel.UNIT),
    ("Rondering kvällstid runt boendet och dialog i områdesråd", "organisation",
     MeasureLevel.UNIT),
]
NAMES = ["Lena Svensson", "Ahmed Karimi", "Maja Lund", "Peter Olsson", "Fatima Haddad",
         "Erik Jönsson", "Sofia Nguyen", "Kenneth Bergström", "Amira Saleh", "Johan Ek"]
CHANNEL_WEIGHTS = {"e-tjanst": 55, "e-post": 15, "telefon": 15, "brev": 10, "besok": 5}


@contextlib.contextmanager
def _clock(at: datetime):
    """Run services as if it were `at`: timestamps, auto_now fields and history rows all read
    django.utils.timezone.now. Demo data only (a single-threaded management command)."""
    real_now = timezone.now
    timezone.now = lambda: at
    try:
        yield
    finally:
        timezone.now = real_now


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
        return rng.choice([ComplaintStatus.RECEIVED, ComplaintStatus.INVESTIGATING,
                           ComplaintStatus.INVESTIGATING])
    if age < 45:
        return rng.choice([ComplaintStatus.INVESTIGATING, ComplaintStatus.ANSWERED,
                           ComplaintStatus.CLOSED])
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
        return self.users.get(CHEF_FOR_UNIT.get(unit.code, ""), self.fallback)

    def clamp(self, at: datetime) -> datetime:
        return min(at, self.now - timedelta(minutes=5))

    def step(self, at: datetime, fn, **kwargs):
        with _clock(self.clamp(at)):
            return fn(**kwargs)

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
        contact = {} if anonymous else {
            "sender_name": name,
            "sender_email": name.lower().replace(" ", ".").replace("ö", "o").replace("ä", "a")
            .replace("å", "a") + "@example.se" if rng.random() < 0.6 else "",
            "sender_phone": f"070-{rng.randint(100, 999)} {rng.randint(10, 99)} "
                            f"{rng.randint(10, 99)}" if rng.random() < 0.5 else "",
        }
        actor = None if channel == "e-tjanst" else self.chef(unit)
        return _Draft(ctype=ctype, topics=topics, received=received, unit=unit, actor=actor,
                      create=dict(
            source="utomstaende", unit=unit, complaint_type=self.code("complaint_type", ctype),
            title=title, description=text, actor=actor,
            sender_category=self.code("sender_category", category),
            channel=self.code("channel", channel), anonymous=anonymous, received_at=received,
            with_receipt_code=channel == "e-tjanst", reason=REASON, **contact,
        ))

    def staff(self, received: datetime) -> "_Draft":
        rng = self.rng
        ctype, topics, title, text = rng.choice(STAFF)
        unit = self.units[rng.choices(self.unit_codes, self.unit_weights)[0]]
        reporter = self.users.get("medarbetare") if unit.code.startswith("UTR-BU") else None
        actor = reporter or self.chef(unit)
        return _Draft(ctype=ctype, topics=topics, received=received, unit=unit, actor=actor,
                      create=dict(
            source="personal", unit=unit, complaint_type=self.code("complaint_type", ctype),
            title=title, description=text, actor=actor, reporter=reporter,
            sender_category=self.code("sender_category", "personal"), received_at=received,
            reason=REASON,
        ))

    def topics(self, topics: list[str]) -> list[Code]:
        chosen = {self.code("complaint_topic", t) for t in topics}
        if self.rng.random() < 0.2:
            chosen.add(self.code("complaint_topic", self.rng.choice(
                ["information", "handlaggning", "bemotande"])))
        return sorted(chosen, key=lambda c: c.order)

    def handling(self, draft: "_Draft") -> "_Handling":
        """Every later step of the case, with the moment it happens (clamped to the past)."""
        rng, ctype = self.rng, draft.ctype
        h = _Handling(target=_target_status(rng, draft.received, self.now),
                      chef=self.chef(draft.unit))
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
                h.measures = [(description, self.code("measure_type", mtype), level,
                               (at + timedelta(days=30)).date())
                              for description, mtype, level in rng.sample(MEASURES,
                                                                          rng.randint(1, 2))]
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

    # --- Through the services (the cases the personas click through) ------------------------

    def through_services(self, draft: "_Draft", h: "_Handling") -> Complaint:
        complaint = self.step(draft.received, svc.complaint_create, **draft.create).complaint
        if h.receive_at is None:
            return complaint
        chef = h.chef
        case = self.step(h.receive_at, svc.complaint_receive, case=complaint.case, actor=chef,
                         notify=False)
        if h.assess_at is not None:
            self.step(h.assess_at, svc.complaint_assess, case=case, topics=h.topics,
                      deviation_found=h.deviation_found, actor=chef, reason="Utredning klar")
            for description, mtype, level, due in h.measures:
                self.step(h.assess_at, svc.complaint_measure_add, case=case,
                          description=description, measure_type=mtype, level=level,
                          actor=chef, due_date=due)
        if h.reply_at is not None:
            case = self.step(h.reply_at, svc.complaint_reply, case=case, reply_text=h.reply,
                             actor=chef, replied_on=timezone.localtime(h.reply_at).date(),
                             notify=False)
        if h.close_at is not None:
            self.step(h.close_at, svc.complaint_close, case=case, actor=chef,
                      reason=h.close_reason)
        return complaint

    # --- In bulk (the closed years behind the statistics) -----------------------------------

    def in_bulk(self, draft: "_Draft", h: "_Handling") -> "Plan":
        """The rows and history rows the services would write for this case, unsaved. The
        reference is set when the plan is written (numbers are taken in blocks)."""
        c = draft.create
        case = Case(kind=CaseKind.COMPLAINT, unit=draft.unit, title=c["title"].strip()[:200],
                    description=c["description"].strip(), received_at=draft.received,
                    reporter=c.get("reporter"), status=COMPLAINT_WORKFLOW.initial)
        complaint = Complaint(
            case=case, source=c["source"], complaint_type=c["complaint_type"],
            sender_category=c["sender_category"], channel=c.get("channel"),
            anonymous=c.get("anonymous", False), sender_name=c.get("sender_name", ""),
            sender_email=c.get("sender_email", ""), sender_phone=c.get("sender_phone", ""),
        )
        if c.get("with_receipt_code"):
            complaint.receipt_selector, complaint.receipt_code_hash = svc.receipt_hash(
                svc.receipt_code_generate())
        plan = Plan(case=case, complaint=complaint)
        plan.case_step(draft.received, REASON, draft.actor, {})
        plan.complaint_step(draft.received, REASON, draft.actor, {})
        chef = h.chef
        plan.case_step(h.receive_at, "Mottagen och utredning påbörjad", chef,
                       {"status": ComplaintStatus.INVESTIGATING})
        plan.complaint_step(h.receive_at, "Mottagningsbekräftad", chef,
                            {"acknowledged_at": h.receive_at})
        if h.assess_at is not None:
            plan.topics = h.topics
            plan.complaint_step(h.assess_at, "Utredning klar", chef,
                                {"deviation_found": h.deviation_found}, with_topics=True)
            for description, mtype, level, due in h.measures:
                measure = Measure(case=case, description=description, measure_type=mtype,
                                  level=level, due_date=due, created_by=chef)
                measure._history_date = h.assess_at  # type: ignore[attr-defined]
                measure._history_user = chef  # type: ignore[attr-defined]
                measure._change_reason = "Åtgärd efter klagomål"  # type: ignore[attr-defined]
                plan.measures.append(measure)
        plan.case_step(h.reply_at, "Återkoppling lämnad", chef,
                       {"status": ComplaintStatus.ANSWERED})
        plan.complaint_step(h.reply_at, "Återkoppling lämnad", chef,
                            {"reply_text": h.reply,
                             "replied_on": timezone.localtime(h.reply_at).date()},
                            with_topics=bool(plan.topics))
        outcome = {True: "avvikelse", False: "ingen_avvikelse", None: ""}[h.deviation_found]
        plan.case_step(h.close_at, h.close_reason, chef,
                       {"status": ComplaintStatus.CLOSED, "closed_at": h.close_at,
                        "outcome": outcome})
        return plan


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
    created = bulk = 0
    for year in sorted(volume):
        if years is not None and year not in years:
            continue
        external, staff = (max(1, round(n * scale)) for n in volume[year])
        # Chronological within the year so reference numbers follow the received dates:
        # the bulk block is written (numbers taken) before each case that goes through the
        # services, which takes the next number itself.
        today = now.date()
        plan = sorted(
            [(_received(rng, year, today), "external") for _i in range(external)]
            + [(_received(rng, year, today), "staff") for _i in range(staff)]
        )
        block: list[Plan] = []
        for received, source in plan:
            draft = (seeder.external if source == "external" else seeder.staff)(received)
            handling = seeder.handling(draft)
            created += 1
            if year < now.year and handling.target == ComplaintStatus.CLOSED:
                block.append(seeder.in_bulk(draft, handling))
                continue
            with transaction.atomic():
                if block:
                    write_block(block, year)
                    bulk += len(block)
                    block = []
                seeder.through_services(draft, handling)
        if block:
            with transaction.atomic():
                write_block(block, year)
            bulk += len(block)
    stdout.write(
        f"Klagomål och synpunkter: {created} ärenden, varav {bulk} avslutade i bulk "
        f"({time_module.monotonic() - started:.0f} s)."
    )
    return created
