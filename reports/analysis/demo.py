"""Demo rounds 2024 and 2025 of the yearly unit analysis, with texts in the style of Malmö's
sammanställningar (seed 000 §4.2). Through the services; idempotent (a rerun finds the rounds
and submits nothing twice). 2024 is fully submitted; in 2025 a few units are still late."""

from django.db import transaction

from . import services
from .models import UnitAnalysis

PATTERNS = [
    "Liksom föregående period handlar de flesta avslutade avvikelserna om att moment i "
    "handläggningen har missats och om brister i dokumentationen.",
    "Klagomålen från utomstående gäller främst bemötande; fler än förra perioden gäller "
    "missnöje med beslut.",
    "Avvikelserna gäller främst utförandet av insatser och att lokalerna inte är ändamålsenliga.",
]
CAUSES = [
    "Rutiner har inte följts, främst vid nyanställningar och hos vikarier.",
    "Arbetsbelastning, frånvaro och personalomsättning återkommer som bakomliggande orsaker.",
    "Rutinen saknades eller var otydlig, och kunskapen om verksamhetssystemet varierar.",
]
CONCLUSIONS = [
    "Rutinerna har gåtts igenom på arbetsplatsträffar och introduktionen för nyanställda har "
    "förstärkts. Arbetsledningen följer upp följsamheten varje kvartal.",
    "Enheten behöver stärka stödet i handläggningen; en checklista har tagits fram och "
    "följs upp i egenkontrollen.",
]
NEEDS = (
    "Behov av en förvaltningsgemensam introduktion i avvikelsehantering, så att "
    "bakomliggande orsaker identifieras på samma sätt i alla verksamheter."
)


def _submit(analysis: UnitAnalysis, index: int, rng) -> None:
    actor = analysis.chef
    needs = index % 4 == 0
    services.analysis_submit(
        analysis=analysis,
        expected_version=analysis.version,
        actor=actor,
        data={
            "patterns": rng.choice(PATTERNS),
            "causes": rng.choice(CAUSES),
            "conclusions": rng.choice(CONCLUSIONS),
            "needs_overarching_measures": needs,
            "overarching_measures": NEEDS if needs else "",
        },
    )


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    actor = users.get("kvalitet")
    submitted = 0
    for year in (2024, 2025):
        analysis_round = services.round_open(year=year, actor=actor)
        analyses = analysis_round.analyses.select_related("chef", "unit", "round")
        # Enumerate every analysis (not only drafts) so a rerun skips the same units.
        for index, analysis in enumerate(analyses.order_by("unit__path")):
            # 2025: every third unit has not submitted yet, so the overview and the reminder
            # have something to show.
            late = year == 2025 and index % 3 == 2
            if late or analysis.is_submitted or analysis.chef is None:
                continue
            _submit(analysis, index, rng)
            submitted += 1
    stdout.write(f"Sammanställning och analys: {submitted} nya inlämnade analyser.")
