"""Demo supervisory cases 2022–2026 with Malmö-like volume (seed 000 §5: "IVO har fattat beslut
i 20 ärenden under året, JO och JK har fattat beslut i ett ärende vardera"; "15 beslut i 11
ärenden" on HVB and stödboende, about half of them initiated the year before) and the
response path of seed 002 (beredning → AU → nämnd → yttrande).

Everything goes through the services; idempotent (a supervision is found by the authority's
diarienummer)."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Code, CodeList, Unit
from cases.supervision import services as services
from cases.supervision.models import Supervision, SupervisionMeasure

YEARS = range(2022, 2027)

HVB_UNITS = ["INS-PL-1", "BTS-OB-1"]
LEXSARAH_UNITS = ["UTR-BU-1", "INS-OV-2", "BTS-OB-1", "EKB-MB-1", "UTR-MOT-5"]
NOT_ENFORCED_UNITS = ["EKB-MB-1", "BTS-OB-1", "INS-OV-2"]

REGISTER_TEXT = (
    "IVO har konstaterat att nämnden har underlåtit att iaktta skyldigheterna enligt "
    "lagen om registerkontroll. En underlåtelse att genomföra registerkontroll kan "
    "vara en så allvarlig brist att den ensam kan ligga till grund för att "
    "verksamheten inte ska få fortsätta."
)
VIOLENCE_TEXT = (
    "IVO bedömer att det saknas rutiner för att förebygga, uppmärksamma och agera vid "
    "uppgifter om hot, våld och övergrepp, och att allvarliga uppgifter inte har "
    "hanterats inom ramen för det systematiska kvalitetsarbetet."
)
ANALYSIS_TEXT = (
    "IVO konstaterar att nämndens sammanställning och analys av avvikelser sker på en "
    "alltför övergripande nivå (avdelning och förvaltning) i stället för i varje "
    "verksamhet."
)
NO_DEFICIENCY_TEXT = (
    "IVO har inspekterat verksamheten och samtalat med de barn och unga som "
    "samtyckte till det. IVO har inte identifierat några brister."
)

MEASURES = {
    "register": [
        (
            "En checklista har tagits fram för chefer att använda vid rekrytering.",
            SupervisionMeasure.Status.DONE,
            "Registerkontroll görs vid varje anställning; barn och unga får en trygg och säker vård.",
            "Avdelning för insatser IFO",
        ),
        (
            "Checklistan och gällande rutin följs upp årligen i ledningsgruppen.",
            SupervisionMeasure.Status.PLANNED,
            "Bristen upptäcks tidigt om den återkommer.",
            "Arbetsmarknads- och socialförvaltningen",
        ),
    ],
    "violence": [
        (
            "Rutiner har tagits fram för att säkra verksamhetens kvalitet och motverka hot, våld och "
            "hot om våld.",
            SupervisionMeasure.Status.DONE,
            "Barn och unga skyddas mot hot, våld och övergrepp i boendet.",
            "Sektionschef",
        ),
        (
            "Medarbetare får kompetensinsatser om att registrera avvikelser; dialogen om avvikelser "
            "hålls levande i personalgrupperna.",
            SupervisionMeasure.Status.PLANNED,
            "Fler allvarliga uppgifter hanteras inom det systematiska kvalitetsarbetet.",
            "Sektionschef",
        ),
    ],
    "analysis": [
        (
            "Sektionschefer sammanställer och analyserar avvikelser i varje verksamhet årligen i "
            "juni (1 juni–31 maj).",
            SupervisionMeasure.Status.DONE,
            "Verksamhets- och målgruppsspecifika mönster och trender upptäcks.",
            "Arbetsmarknads- och socialförvaltningen",
        ),
    ],
    "authority": [
        (
            "Egenkontroll avseende följsamhet till Rutin avtal vid extern vård IFO.",
            SupervisionMeasure.Status.DONE,
            "Alla steg i processen följs; barn och unga får en trygg och säker vård.",
            "Arbetsmarknads- och socialförvaltningen",
        ),
        (
            "Översyn och implementering av rutinen och processen för externa klagomål inom ramen "
            "för intern kontroll; återrapportering till nämnden i januari.",
            SupervisionMeasure.Status.PLANNED,
            "Kvalitetskrav i upphandlade avtal följs upp.",
            "Arbetsmarknads- och socialförvaltningen",
        ),
        (
            "Stödmaterial för stärkt uppföljning av externa leverantörer av vård- och stödtjänster.",
            SupervisionMeasure.Status.PLANNED,
            "Risken för bristande vård och välfärdsbrottslighet minskar.",
            "Funktionsstödsförvaltningen och arbetsmarknads- och socialförvaltningen",
        ),
    ],
}


@dataclass
class Spec:
    authority: str
    type_code: str
    reference: str
    title: str
    units: list[str]
    initiated_on: date
    decisions: list[tuple[date, list[str], str]]  # (date, deficiency codes, text)
    measures: str = ""
    closing_note: str = ""
    summary: str = ""
    extra: dict = field(default_factory=dict)


def _hvb_specs(year: int, rng) -> list[Spec]:
    n_cases = 10 + (year + 1) % 3  # 10–12 cases a year (11 in 2025), fixed per year
    specs = []
    for i in range(n_cases):
        initiated = (
            date(year - 1, 10, 1) + timedelta(days=rng.randint(0, 80))
            if i % 2 == 0
            else date(year, 1, 15) + timedelta(days=rng.randint(0, 240))
        )
        first = max(initiated + timedelta(days=rng.randint(40, 90)), date(year, 1, 10))
        first = min(first, date(year, 11, 20))
        kind = "none" if i < 3 else "register" if i < 9 else "violence"
        codes, text = {
            "none": ([], NO_DEFICIENCY_TEXT),
            "register": (["bemanning"], REGISTER_TEXT),
            "violence": (["ledningssystem", "uppfoljning"], VIOLENCE_TEXT),
        }[kind]
        decisions = [(first, codes, text)]
        if i in (3, 5, 7, 9) and first < date(year, 9, 1):  # a second inspection or analysis
            decisions.append(
                (first + timedelta(days=rng.randint(30, 80)), ["ledningssystem"], ANALYSIS_TEXT)
            )
        unit = HVB_UNITS[i % len(HVB_UNITS)]
        specs.append(
            Spec(
                "ivo",
                "hvb",
                f"3.5.1-{year % 100}{i:03d}/{initiated.year}",
                f"Tillsyn av HVB och stödboende för barn och unga ({'HVB' if i % 2 else 'stödboende'} "
                f"{i + 1})",
                [unit],
                initiated,
                decisions,
                measures="" if kind == "none" else kind,
                closing_note=(
                    "IVO har avslutat tillsynsärendet med bedömningen att de åtgärder som "
                    "nämnden har redovisat ger förutsättningar att komma till rätta med "
                    "bristerna."
                ),
                summary=(
                    "Tillsyn med inspektion; IVO har samtalat med de barn och unga som "
                    "samtyckte. Fokus på barn och ungas erfarenheter av hot, våld och "
                    "övergrepp i boendet."
                ),
            )
        )
    return specs


def _simple_specs(year: int, rng) -> list[Spec]:
    specs = []
    for i in range(4):
        day = date(year, 2 + i * 3, rng.randint(1, 25))
        specs.append(
            Spec(
                "ivo",
                "lex-sarah",
                f"3.5.2-{30000 + i}/{year}",
                "Anmälan enligt lex Sarah om allvarligt missförhållande",
                [LEXSARAH_UNITS[(year + i) % len(LEXSARAH_UNITS)]],
                day - timedelta(days=45),
                [
                    (
                        day,
                        [],
                        "IVO avslutar ärendet med bedömningen att nämnden har fullgjort sin "
                        "utredningsskyldighet.",
                    )
                ],
                closing_note="Nämnden har fullgjort sin utredningsskyldighet.",
            )
        )
        specs.append(
            Spec(
                "ivo",
                "ej-verkstallda",
                f"3.5.3-{40000 + i}/{year}",
                "Rapportering av ej verkställt beslut enligt socialtjänstlagen",
                [NOT_ENFORCED_UNITS[(year + i) % len(NOT_ENFORCED_UNITS)]],
                day - timedelta(days=120),
                [
                    (
                        day + timedelta(days=10),
                        [],
                        "IVO bedömer att det utifrån det huvudsakliga skälet "
                        "till att beslutet inte verkställts inte finns skäl "
                        "att ansöka om särskild avgift.",
                    )
                ],
                closing_note="Ingen ansökan om särskild avgift.",
            )
        )
    jo_day = date(year, 5 + year % 4, 12)
    specs.append(
        Spec(
            "jo",
            "klagomal",
            f"{1000 + year % 100 * 7}-{year}",
            "Klagomål från enskild om ett placeringsbeslut",
            ["INS-PL-1"],
            jo_day - timedelta(days=90),
            [
                (
                    jo_day,
                    [],
                    "JO har inte sett anledning att fortsätta utredningen och avslutar ärendet.",
                )
            ],
            closing_note="Avslutat utan vidare åtgärd.",
        )
    )
    if year % 2 == 1:
        jk_day = date(year, 9, 18)
        specs.append(
            Spec(
                "jk",
                "annan",
                f"{year}/{4000 + year % 100}",
                "Begäran om ersättning enligt lagen (1998:714) om ersättning vid frihetsberövanden",
                ["UTR-BU-2"],
                jk_day - timedelta(days=100),
                [(jk_day, [], "Begäran från den enskilde avslås.")],
                closing_note="Begäran avslogs.",
            )
        )
    return specs


def _authority_spec(year: int) -> Spec:
    """The national supervision of myndighetsutövning for children (seed 002), one per year
    with a different focus; the 2025 one has seed 002's dates and deficiencies."""
    decided = date(year, 11, 14) if year == 2025 else date(year, 6, 10)
    spec = Spec(
        "ivo",
        "myndighetsutovning",
        f"3.5.1-{10000 + year % 100}/{year - 1}",
        "Tillsyn av rättssäkerheten i kommunens myndighetsutövning för barn och unga",
        ["UTR-BU-1", "UTR-BU-2", "UTR-MOT-5", "INS-PL-1"],
        date(year - 1, 10, 1),
        [
            (
                decided,
                ["utredning", "uppfoljning", "ledningssystem"],
                "Kommunen brister i sin skyldighet att göra kontroller inför placeringar av barn och "
                "unga, att hantera orosanmälningar och att följa upp placeringar, samt i sin "
                "egenkontroll avseende myndighetsutövning barn och unga. IVO begär med stöd av "
                "28 kap. 5 § socialtjänstlagen att kommunen redovisar sin inställning.",
            )
        ],
        measures="authority",
        closing_note="IVO bedömer att nämndens redovisade åtgärder är tillräckliga.",
        summary=(
            "Nationell tillsyn: enkät hösten före beslutsåret, intervjuer med nämndens "
            "ordförande, avdelningschef, enhetschef och socialsekreterare."
        ),
    )
    if year == 2025:
        spec.extra = {
            "response_due_on": date(2026, 2, 6),
            "preparation_on": date(2025, 12, 30),
            "committee_on": date(2026, 1, 8),
            "board_on": date(2026, 1, 23),
        }
    return spec


def _respond(supervision: Supervision, spec: Spec, last: date, actor, today: date) -> None:
    path = spec.extra or {
        "response_due_on": last + timedelta(days=30),
        "preparation_on": last + timedelta(days=10),
        "committee_on": last + timedelta(days=17),
        "board_on": last + timedelta(days=24),
    }
    if path["preparation_on"] > today:
        return  # the response is still being prepared
    services.supervision_update(
        supervision=supervision,
        expected_version=supervision.version,
        data={k: v for k, v in path.items() if v <= today or k == "response_due_on"},
        actor=actor,
        reason="Beslutsgång för yttrandet",
    )
    for text, status, effect, responsible in MEASURES[spec.measures]:
        services.supervision_measure_add(
            supervision=supervision,
            actor=actor,
            description=text,
            status=status,
            expected_effect=effect,
            responsible=responsible,
            due_date=last + timedelta(days=180 if status == "planerad" else 20),
            completed_on=last + timedelta(days=20) if status == "genomford" else None,
        )
    sent = path["board_on"] + timedelta(days=3)
    if sent <= today:
        services.supervision_register_response_sent(
            supervision=supervision, actor=actor, sent_on=sent
        )


def _make(spec: Spec, *, actor, units, types, deficiencies, today: date) -> bool:
    if Supervision.objects.filter(
        authority=spec.authority, authority_reference=spec.reference
    ).exists():
        return False
    decisions = [d for d in spec.decisions if d[0] <= today]
    if not decisions or spec.initiated_on > today:
        return False
    supervision = services.supervision_create(
        actor=actor,
        authority=spec.authority,
        supervision_type=types[spec.type_code],
        title=spec.title,
        units=[units[c] for c in spec.units if c in units],
        initiated_on=spec.initiated_on,
        authority_reference=spec.reference,
        summary=spec.summary,
    )
    for day, codes, text in decisions:
        services.supervision_decision_add(
            supervision=supervision,
            actor=actor,
            decided_on=day,
            deficiencies_found=bool(codes),
            deficiency_categories=[deficiencies[c] for c in codes],
            text=text,
        )
    last = decisions[-1][0]
    supervision.refresh_from_db()
    if spec.measures:
        _respond(supervision, spec, last, actor, today)
        supervision.refresh_from_db()
    closed_on = (
        supervision.response_sent_on + timedelta(days=75)
        if spec.measures and supervision.response_sent_on
        else None
        if spec.measures
        else last
    )
    if closed_on is not None and closed_on <= today:
        services.supervision_close(
            supervision=supervision,
            actor=actor,
            closed_on=closed_on,
            closing_note=spec.closing_note,
        )
    return True


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    actor = users["kvalitet"]
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.all()}
    types = {c.code: c for c in Code.objects.filter(codelist=CodeList.SUPERVISION_TYPE)}
    deficiencies = {
        c.code: c for c in Code.objects.filter(codelist=CodeList.SUPERVISION_DEFICIENCY)
    }
    created = 0
    for year in YEARS:
        # A per-year generator: the same dates every run, whatever other seeders consumed.
        local = random.Random(f"tillsyn-{year}")
        specs = _hvb_specs(year, local) + _simple_specs(year, local) + [_authority_spec(year)]
        for spec in specs:
            created += _make(
                spec, actor=actor, units=units, types=types, deficiencies=deficiencies, today=today
            )
    stdout.write(f"Tillsynsärenden: {created} nya.")
