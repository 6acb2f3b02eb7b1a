"""Demo risk analyses 2021–2026 per avdelning, with Malmö-like themes (seeds 000, 001).

Everything goes through the services; idempotent (an analysis is found by title and year)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Code, CodeList, Unit

from . import services
from .models import RiskAnalysis, RiskTemplate

# avdelning → [(title, trigger code, unit code, [risks])]
THEMES = {
    "UTR": [
        (
            "Barnavårdsutredningar inom lagstadgad tid",
            "granskning",
            "UTR-BU",
            [
                "Utredningar överskrider fyra månader utan beslut om förlängning",
                "Barnets delaktighet dokumenteras inte",
                "Avslutningssamtal med barnet genomförs inte",
            ],
        ),
        (
            "Införande av bedömningsmodellen RBM",
            "nytt-arbetssatt",
            "UTR-BU",
            [
                "Bedömningen av risk, behov och mottaglighet kvalitetssäkras inte",
                "Medarbetare saknar utbildning i modellen",
            ],
        ),
        (
            "Familjerätten flyttar till nya lokaler",
            "forandring",
            "UTR-FR",
            [
                "Personakter hanteras inte säkert vid flytten",
                "Samtal om vårdnad och umgänge ställs in",
            ],
        ),
    ],
    "INS": [
        (
            "Barn i kriminalitet – brister i revisionens granskning",
            "granskning",
            "INS-OV",
            [
                "Insatser kommer inte igång i tid efter utredning",
                "Föräldrar avbryter föräldrakurser",
            ],
        ),
        (
            "Omställning av HVB till stödboende",
            "namndbeslut",
            "INS-PL",
            [
                "Placerade ungdomar får inte information om förändringen",
                "Matchning av boende blir sämre",
            ],
        ),
    ],
    "EKB": [
        (
            "Kortare telefontid på ekonomiskt bistånd",
            "nytt-arbetssatt",
            "EKB-EB",
            ["Den enskilde når inte sin handläggare", "Brådskande ansökningar fångas inte upp"],
        ),
        (
            "Digital post i stället för brev",
            "nytt-arbetssatt",
            "EKB-EB",
            [
                "Beslut når inte den enskilde som saknar digital brevlåda",
                "Överklagandetid börjar löpa utan att beslutet lästs",
            ],
        ),
        (
            "Rådrum för boendekostnad",
            "avvikelsemonster",
            "EKB-MB",
            ["Informationen om rådrum är otydlig", "Handläggare bedömer rådrum olika"],
        ),
    ],
    "BTS": [
        (
            "Boendeplatser när bistånd inte kan verkställas",
            "avvikelsemonster",
            "BTS-OB",
            [
                "Unga vuxna 18–21 år saknar lämpligt boende",
                "Konsekvensbedömning görs inte när beslut inte verkställs",
                "Otrygghet på boenden nattetid",
            ],
        ),
        (
            "Ny organisering av boende, tillsyn och service",
            "forandring",
            "BTS-TT",
            ["Ansvaret för tillsyn av boenden blir otydligt"],
        ),
    ],
    "ARB": [
        (
            "Pilotprojekt med integrerat arbetssätt på jobbcentrum",
            "nytt-arbetssatt",
            "ARB-JC",
            [
                "Deltagare faller mellan verksamheterna vid överlämning",
                "Dokumentation sker i två system",
            ],
        ),
    ],
}
YEARS = range(2021, 2027)


def _analysis_for(*, year, index, title, trigger, unit, risk_texts, actor, template, rng, today):
    if RiskAnalysis.objects.filter(title=title, analysed_on__year=year).exists():
        return None
    analysed_on = date(year, 2 + (index * 3) % 9, 10 + index % 15)
    follow_up_on = analysed_on + timedelta(days=180)
    analysis = services.analysis_create(
        actor=actor,
        title=title,
        units=[unit],
        analysed_on=analysed_on,
        trigger=trigger,
        participants="Sektionschef, socialsekreterare, kvalitetsutvecklare",
        template=template,
        follow_up_on=follow_up_on,
    )
    for risk in analysis.risks.all():  # the template's suggested risks
        services.risk_update(
            risk=risk,
            description=risk.description,
            actor=actor,
            probability=rng.randint(1, 3),
            consequence=rng.randint(1, 3),
        )
    for text in risk_texts:
        risk = services.risk_add(
            analysis=analysis,
            description=text,
            actor=actor,
            probability=rng.randint(1, 4),
            consequence=rng.randint(2, 4),
        )
        if risk.score >= 6:
            services.risk_measure_add(
                risk=risk,
                actor=actor,
                due_date=follow_up_on,
                description=f"Rutin och information till medarbetare: {text[:80].lower()}",
            )
    if year <= 2025 and index % 2 == 0:
        services.analysis_update(
            analysis=analysis,
            actor=actor,
            reason="Demodata",
            data={
                "documented": True,
                "include_in_report": True,
                "report_summary": f"Riskanalys om {title[0].lower()}{title[1:]}; åtgärder har tagits fram.",
            },
        )
    if year == 2026 and analysed_on > today - timedelta(days=30):
        return analysis  # still a draft
    services.analysis_complete(analysis=analysis, actor=actor, reason="Demodata")
    # Most older analyses are followed up; a few stay overdue so the lists have something to show.
    if follow_up_on < today and index % 4 != 3:
        services.analysis_follow_up(
            analysis=analysis,
            actor=actor,
            reason="Demodata",
            result="Åtgärderna är genomförda och risken bedöms nu som lägre.",
        )
    return analysis


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    actor = users["kvalitet"]
    today = timezone.localdate()
    template = RiskTemplate.objects.filter(active=True).order_by("id").first()
    triggers = {c.code: c for c in Code.objects.filter(codelist=CodeList.RISK_TRIGGER)}
    units = {u.code: u for u in Unit.objects.all()}
    created = 0
    for year in YEARS:
        for avd, themes in THEMES.items():
            # Each year every avdelning makes one or two of its analyses (rotating themes).
            for k in range(1 + (year + len(avd)) % 2):
                index = (year + k) % len(themes)
                title, trigger, unit_code, risk_texts = themes[index]
                if unit_code not in units:
                    continue
                made = _analysis_for(
                    year=year,
                    index=index + k + year,
                    title=title,
                    trigger=triggers.get(trigger),
                    unit=units[unit_code],
                    risk_texts=risk_texts,
                    actor=actor,
                    template=template,
                    rng=rng,
                    today=today,
                )
                created += made is not None
    stdout.write(f"Riskanalyser: {created} nya.")
