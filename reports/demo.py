"""Demo utvecklingsområden for the förvaltning, one or two decided each year with that year's
kvalitetsberättelse and followed up in the next (Malmö 2025, seed 000 §2 and §6).

Everything goes through the services; idempotent (an area is found by unit, year and title)."""

from django.db import transaction
from django.utils import timezone

from cases.models import Unit

from . import services
from .models import DevelopmentArea

S = DevelopmentArea.Status

# year decided → [(title, background, actions, follow-up status, follow-up text, continues)]
AREAS = {
    2021: [
        (
            "Stärka barnets delaktighet i utredningar",
            "Aktgranskningar visade att barnets egen berättelse inte alltid dokumenterades.",
            "Utbildning i samtal med barn; mall för dokumentation av barnets delaktighet.",
            S.DONE,
            "Barnets delaktighet dokumenteras nu i nästan alla granskade utredningar.",
            None,
        ),
    ],
    2022: [
        (
            "Följsamhet till rutiner för dokumentation",
            "Många avvikelser har handlat om att moment i handläggningen har missats och om brister "
            "i dokumentationen.",
            "Genomgång av rutiner i alla ledningsgrupper; stickprov på dokumentation.",
            S.ONGOING,
            "Avvikelserna om dokumentation har minskat men finns kvar i några sektioner.",
            None,
        ),
    ],
    2023: [
        (
            "Sammanställning och analys av avvikelser i varje verksamhet",
            "IVO har påtalat att sammanställning och analys sker på en alltför övergripande nivå.",
            "Sektionschefer sammanställer och analyserar avvikelser varje juni (1 juni–31 maj).",
            S.DONE,
            "Alla sektioner har gjort sin första sammanställning och analys.",
            None,
        ),
    ],
    2024: [
        (
            "Öka användningen av egenkontroller och riskanalyser, samt att dokumentation sker då "
            "de används",
            "Uppföljningen av kvalitetsarbetet för 2024 visade att nämndens verksamheter inte fullt "
            "ut hade genomfört riskanalyser. Det fanns en otydlighet kring skillnaden mellan "
            "riskanalys och riskbedömning.",
            "Utbildning för chefer om egenkontroll, riskanalys och ledningssystemet; alla "
            "verksamheter genomför och dokumenterar minst en egenkontroll och en riskanalys; "
            "information på intranätet uppdateras.",
            S.ONGOING,
            "Uppföljningen av utvecklingsområdet visar att användningen av egenkontroller och "
            "riskanalyser har ökat och att majoriteten av dem har dokumenterats. Riskanalyser har "
            "genomförts 2025, men inte i alla delar av verksamheten. Utvecklingsområdet föreslås "
            "fortsätta under 2026.",
            None,
        ),
    ],
    2025: [
        (
            "Fortsatt utveckling av arbetet med egenkontroll och riskanalys",
            "Uppföljningen av utvecklingsområdet för 2025 visar att de insatser som har gjorts har "
            "lett till att användningen av egenkontroller och riskanalyser har ökat.",
            "Öka användningen av egenkontroll för fler uppföljnings- och utvärderingsområden, öka "
            "användningen av riskanalyser samt skapa strukturer för att dela och sprida kunskaper "
            "från egenkontroller och riskanalyser.",
            None,
            "",
            "Öka användningen av egenkontroller och riskanalyser, samt att dokumentation sker då "
            "de används",
        ),
        (
            "Tydliggöra resultatet av kvalitetsarbetet",
            "Enligt 7 kap. 1 § SOSFS 2011:9 bör det framgå vilka åtgärder som har vidtagits och "
            "vilka resultat som har uppnåtts.",
            "Utveckla arbetssättet för uppföljning av kvalitetsarbetet, så att nämndens "
            "verksamheter kan skapa och tillgodogöra sig beprövad erfarenhet.",
            None,
            "",
            None,
        ),
    ],
}


def _area(unit, year, spec, actor, today) -> bool:
    title, background, actions, status, follow_up, continues_title = spec
    if DevelopmentArea.objects.filter(unit=unit, year_decided=year, title=title).exists():
        return False
    continues = (
        DevelopmentArea.objects.filter(unit=unit, title=continues_title).first()
        if continues_title
        else None
    )
    area = services.development_area_create(
        actor=actor,
        unit=unit,
        year_decided=year,
        title=title,
        background=background,
        actions=actions,
        continues=continues,
        reason="Demodata",
    )
    if status and year + 1 <= today.year:
        services.development_area_follow_up(
            area=area, actor=actor, status=status, text=follow_up, year=year + 1, reason="Demodata"
        )
    return True


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    actor = users["kvalitet"]
    unit = Unit.objects.filter(code="ASF").first()
    if unit is None:
        return
    today = timezone.localdate()
    created = sum(
        _area(unit, year, spec, actor, today) for year, specs in AREAS.items() for spec in specs
    )
    stdout.write(f"Utvecklingsområden: {created} nya.")
