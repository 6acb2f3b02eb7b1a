"""Seed code lists, unit kinds and deadline rules with the defaults named in DESIGN.md."""

from django.db import migrations

UNIT_KINDS = [
    ("namnd", "Nämnd", 0),
    ("forvaltning", "Förvaltning", 1),
    ("avdelning", "Avdelning", 2),
    ("verksamhetsomrade", "Verksamhetsområde", 3),
    ("sektion", "Sektion", 4),
    ("enhet", "Enhet", 5),
]

CODES = {
    "complaint_type": [
        ("klagomal", "Klagomål"), ("synpunkt", "Synpunkt"), ("berom", "Beröm"),
        ("fraga", "Fråga"), ("forbattringsforslag", "Förbättringsförslag"),
    ],
    "complaint_topic": [
        ("bemotande", "Bemötande"), ("handlaggning", "Handläggning"), ("beslut", "Beslut"),
        ("rattssakerhet", "Rättssäkerhet"), ("tillganglighet", "Tillgänglighet"),
        ("information", "Information"), ("utforande-av-insats", "Utförande av insats"),
        ("miljo-trygghet", "Miljö/trygghet"), ("annat", "Annat"),
    ],
    "sender_category": [
        ("brukare", "Brukare"), ("narstaende", "Närstående"),
        ("allmanhet", "Allmänhet/granne"), ("annan-myndighet", "Annan myndighet"),
        ("via-ivo", "Via IVO"), ("personal", "Personal"),
    ],
    "channel": [
        ("e-tjanst", "E-tjänst"), ("brev", "Brev"), ("telefon", "Telefon"),
        ("besok", "Besök"), ("e-post", "E-post"),
    ],
    "event_category": [
        ("utebliven-insats", "Utebliven eller försenad insats"),
        ("felaktig-insats", "Felaktig insats"),
        ("handlaggning", "Brister i handläggning"),
        ("dokumentation", "Brister i dokumentation"),
        ("sekretess", "Sekretess och personuppgifter"),
        ("bemotande", "Brister i bemötande"),
        ("overlamning", "Överlämning och samverkan"),
        ("lakemedel", "Läkemedelshantering"),
        ("vald-hot", "Våld, hot eller kränkning"),
        ("ovrigt", "Övrigt"),
    ],
    "deficiency": [
        ("processer-rutiner", "Processer och rutiner"),
        ("kommunikation-information", "Kommunikation och information"),
        ("utebliven-felaktig-insats", "Utebliven/felaktig insats"),
        ("dokumentation", "Dokumentation"), ("handlaggning", "Handläggning"),
        ("rattssakerhet", "Rättssäkerhet"), ("bemotande", "Bemötande"),
        ("kompetens", "Kompetens"), ("teknik-utrustning", "Teknik och utrustning"),
        ("omgivning-organisation", "Omgivning och organisation"),
        ("vald-tvang-begransning", "Våld/tvång/begränsning"), ("delaktighet", "Delaktighet"),
    ],
    "root_cause": [
        ("rutin-ej-foljd", "Rutin ej följd"), ("rutin-saknas", "Rutin saknas/otydlig"),
        ("kunskap", "Kunskap"), ("arbetsledning", "Arbetsledning"), ("samverkan", "Samverkan"),
        ("arbetsbelastning", "Arbetsbelastning/bemanning"),
        ("teknik", "Teknik/verksamhetssystem"), ("lokaler", "Lokaler"),
        ("kommunikation", "Kommunikation"), ("annat", "Annat"),
    ],
    "consequence": [
        ("ingen", "Ingen konsekvens"), ("fordrojning", "Fördröjd insats eller beslut"),
        ("obehag", "Obehag eller otrygghet"), ("rattsforlust", "Rättsförlust"),
        ("ekonomisk", "Ekonomisk skada"), ("annan", "Annan konsekvens"),
    ],
    "measure_type": [
        ("omedelbar", "Omedelbar/händelsenära"),
        ("information", "Information och kommunikation"),
        ("processer", "Processer/rutiner/riktlinjer"), ("kompetens", "Kompetens"),
        ("arbetsledning", "Arbetsledning"), ("organisation", "Organisation/bemanning"),
        ("lokaler-teknik", "Lokaler/teknik"), ("arbetsrattslig", "Arbetsrättslig"),
        ("omsorgsnara", "Omsorgsnära"), ("ovrig", "Övrig"),
    ],
    "reporter_type": [
        ("anstalld", "Anställd"), ("uppdragstagare", "Uppdragstagare"),
        ("praktikant", "Praktikant/student"), ("annan", "Annan som fullgör uppgifter"),
    ],
    "selfcontrol_method": [
        ("aktgranskning", "Aktgranskning"), ("loggkontroll", "Loggkontroll"),
        ("tjanstegenomgang", "Tjänstegenomgång"), ("brukarundersokning", "Brukarundersökning"),
        ("stickprov", "Stickprov"), ("intervju", "Intervju"),
        ("statistik", "Statistikuppföljning"), ("observation", "Observation"),
    ],
    "supervision_type": [
        ("myndighetsutovning", "Tillsyn av myndighetsutövning"),
        ("hvb", "Tillsyn HVB/stödboende/skyddat boende"), ("lex-sarah", "Lex Sarah"),
        ("ej-verkstallda", "Ej verkställda beslut"), ("klagomal", "Klagomål"),
        ("annan", "Annan"),
    ],
    "supervision_deficiency": [
        ("utredning", "Utredning"), ("dokumentation", "Dokumentation"),
        ("uppfoljning", "Uppföljning"), ("delaktighet", "Barnets/den enskildes delaktighet"),
        ("bemanning", "Bemanning och kompetens"), ("lokaler", "Lokaler"),
        ("ledningssystem", "Ledningssystem"), ("annat", "Annat"),
    ],
    "risk_trigger": [
        ("forandring", "Förändring i verksamheten"), ("nytt-arbetssatt", "Nytt arbetssätt"),
        ("namndbeslut", "Nämndbeslut"), ("avvikelsemonster", "Mönster i avvikelser"),
        ("granskning", "Granskning eller tillsyn"),
    ],
}


# The deadline rules each case type starts with; afterwards they are data (DeadlineRule rows,
# editable in the admin), so the case core holds no type-specific deadline.
DEFAULT_RULES = [
    # kind, step, label, days, working days
    ("complaint", "acknowledge", "Klagomål: mottagningsbekräftelse", 2, True),
    ("complaint", "answer", "Klagomål: svar till avsändaren", 14, False),
    ("deviation", "receive", "Avvikelse: mottagen", 5, False),
    ("deviation", "close", "Avvikelse: avslutad", 90, False),
    ("lexsarah", "immediate_measures", "Lex Sarah: omedelbara åtgärder", 0, False),
    ("lexsarah", "investigation_start", "Lex Sarah: utredning påbörjad", 2, True),
    ("lexsarah", "ivo_notification", "Lex Sarah: anmälan till IVO efter beslut", 7, False),
    ("lexsarah", "imy_breach", "Personuppgiftsincident: anmälan till IMY (timmar)", 3, False),
]


def seed(apps, schema_editor):
    UnitKind = apps.get_model("cases", "UnitKind")
    Code = apps.get_model("cases", "Code")
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for code, label, order in UNIT_KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"label": label, "order": order})
    for codelist, rows in CODES.items():
        for order, (code, label) in enumerate(rows):
            Code.objects.get_or_create(
                codelist=codelist, code=code, defaults={"label": label, "order": order}
            )
    for kind, step, label, days, working in DEFAULT_RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind, step=step, defaults={"label": label, "days": days, "working_days": working}
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
