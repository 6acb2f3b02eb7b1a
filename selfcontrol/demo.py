"""Demo self-inspection plans and runs 2021–2026 per avdelning (themes from seeds 000, 001).

Through the services; idempotent (plans by area and unit, runs by period; a run is completed
only once, and which runs stay open is decided from the data, not from chance)."""

from django.db import transaction
from django.utils import timezone

from cases.models import Code, CodeList, Unit

from . import services
from .models import LogReview, SelfControlPlan, SelfControlRun

# (avdelning, unit code, area, what is checked, method code, frequency, sample rule, size)
PLANS = [
    (
        "UTR",
        "UTR-BU",
        "Barnavårdsutredningar inom lagstadgad tid",
        "Andel utredningar som avslutas inom fyra månader och att beslut om förlängning finns.",
        "statistik",
        "quarterly",
        "Samtliga avslutade utredningar under perioden",
        None,
    ),
    (
        "UTR",
        "UTR-FR",
        "Aktgranskning av familjerättsliga ärenden",
        "Dokumentation i vårdnads-, boende- och umgängesutredningar.",
        "aktgranskning",
        "yearly",
        "10 slumpvis valda akter",
        10,
    ),
    (
        "UTR",
        "UTR-BU-1",
        "Loggkontroll av åtkomst till ärenden",
        "Att läsning av ärenden har stöd i arbetsuppgifterna.",
        "loggkontroll",
        "half_yearly",
        "Slumpvis urval ur åtkomstloggen",
        10,
    ),
    (
        "INS",
        "INS-OV-1",
        "Brukarundersökning föräldrastöd",
        "Hur föräldrar upplever stödet och informationen.",
        "brukarundersokning",
        "yearly",
        "Alla föräldrar med pågående kontakt",
        None,
    ),
    (
        "INS",
        "INS-OV",
        "Underlag vid uppstart av insats",
        "Att underlag från utredning finns när ett nytt ärende kommer till insats.",
        "stickprov",
        "half_yearly",
        "5 nya ärenden per halvår",
        5,
    ),
    (
        "EKB",
        "EKB-EB",
        "Tjänstegenomgång av genomförandeplaner",
        "Att den enskilde har en aktuell och individuell plan mot självförsörjning.",
        "tjanstegenomgang",
        "quarterly",
        "3 ärenden per handläggare",
        30,
    ),
    (
        "EKB",
        "EKB-EB-1",
        "Telefontid och tillgänglighet",
        "Andel besvarade samtal under telefontiden.",
        "statistik",
        "half_yearly",
        "Telefonstatistik",
        None,
    ),
    (
        "EKB",
        "EKB-MB",
        "Beslut med villkor om rådrum",
        "Att information om rådrum för boendekostnad lämnas och dokumenteras.",
        "aktgranskning",
        "yearly",
        "10 beslut",
        10,
    ),
    (
        "BTS",
        "BTS-OB",
        "Personakter i arkiv",
        "Att personakter hanteras enligt checklistan för material och handlingar.",
        "stickprov",
        "yearly",
        "20 akter i arkivet",
        20,
    ),
    (
        "BTS",
        "BTS-OB-1",
        "Boendeplatser – beläggning och tillsyn",
        "Beläggning, tomma platser och tillsyn av boendeplatser.",
        "statistik",
        "quarterly",
        "Alla boendeplatser",
        None,
    ),
    (
        "ARB",
        "ARB-JC",
        "Brukarundersökning vägen mot självförsörjning",
        "Hur deltagare upplever stödet mot arbete och studier.",
        "brukarundersokning",
        "yearly",
        "Alla deltagare under en vecka",
        None,
    ),
    (
        "ARB",
        "ARB-JC-1",
        "Digital post – når informationen fram",
        "Att kallelser och beslut som skickas digitalt har lästs.",
        "stickprov",
        "yearly",
        "15 utskick",
        15,
    ),
]
YEARS = range(2021, 2027)
FINDINGS = [
    "I några akter saknades dokumentation av den enskildes synpunkter.",
    "Uppföljning av planen hade inte gjorts inom angiven tid.",
    "Handlingar saknades i personakten.",
]


def _plan(row, *, actor, methods, units) -> SelfControlPlan | None:
    avd, unit_code, area, what, method, frequency, rule, size = row
    unit = units.get(unit_code)
    if unit is None:
        return None
    plan = SelfControlPlan.objects.filter(area=area, responsible_unit=unit).first()
    if plan is None:
        plan = services.plan_create(
            actor=actor,
            area=area,
            what_checked=what,
            method=methods[method],
            frequency=frequency,
            responsible_unit=unit,
            sample_rule=rule,
            sample_size=size,
        )
    return plan


def _complete(run: SelfControlRun, *, actor, rng, deviations_left: list[int]) -> None:
    run = services.run_start(run=run, actor=actor, reason="Demodata")
    if run.plan.is_log_review:
        samples = services.run_draw_log_sample(
            run=run, actor=actor, size=run.sample_size or 10, seed=run.pk
        )
        for s in samples:
            services.log_sample_review(sample=s, review=LogReview.OK, actor=actor)
    deficient = rng.random() < 0.25
    data = {
        "results": f"Egenkontrollen genomfördes enligt plan ({run.plan.sample_rule.lower()}).",
        "result": "brister" if deficient else "utan_anmarkning",
        "documented": rng.random() < 0.85,
    }
    if deficient:
        data["findings"] = rng.choice(FINDINGS)
    if run.period_start.month == 1 and rng.random() < 0.5:
        data.update(
            include_in_report=True,
            report_summary=f"{run.plan.area}: {'brister har åtgärdats' if deficient else 'utan anmärkning'}.",
        )
    services.run_update(run=run, data=data, actor=actor, reason="Demodata")
    if deficient:
        services.run_measure_add(
            run=run, actor=actor, description="Genomgång av rutinen på arbetsplatsträff"
        )
        if run.period_start.year == 2025 and deviations_left[0] > 0:
            services.run_deviation_create(
                run=run,
                actor=actor,
                title=f"Brist i egenkontroll: {run.plan.area}",
                description=data["findings"],
            )
            deviations_left[0] -= 1
    services.run_complete(run=run, actor=actor, reason="Demodata")


@transaction.atomic
def seed(*, users, rng, stdout) -> None:
    actor = users["kvalitet"]
    today = timezone.localdate()
    methods = {c.code: c for c in Code.objects.filter(codelist=CodeList.SELFCONTROL_METHOD)}
    units = {u.code: u for u in Unit.objects.all()}
    deviations_left = [5]
    completed = 0
    for i, row in enumerate(PLANS):
        plan = _plan(row, actor=actor, methods=methods, units=units)
        if plan is None:
            continue
        for year in YEARS:
            services.plan_schedule_year(plan=plan, year=year, actor=actor)
        past = list(plan.runs.filter(period_end__lt=today).order_by("period_start"))
        for n, run in enumerate(past):
            # Every third plan leaves its latest past run open: overdue items to show.
            if i % 3 == 0 and n == len(past) - 1:
                continue
            if run.status == SelfControlRun.Status.PLANNED:
                _complete(run, actor=actor, rng=rng, deviations_left=deviations_left)
                completed += 1
    stdout.write(f"Egenkontroller: {len(PLANS)} planer, {completed} körningar klarmarkerade.")
