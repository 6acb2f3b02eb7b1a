"""Default 4×4 risk scale (Swedish labels, thresholds as data) and standard templates."""

from django.db import migrations

DEFAULT_SCALE = {
    "key": "standard",
    "version": 1,
    "name": "Standardskala 4×4",
    "probability_labels": ["Mycket liten", "Liten", "Stor", "Mycket stor"],
    "consequence_labels": ["Försumbar", "Lindrig", "Kännbar", "Allvarlig"],
    # Score p × c: 1–2 låg, 3–6 medel, 8–9 hög, 12–16 mycket hög.
    "levels": [
        {"code": "low", "label": "Låg", "max": 2},
        {"code": "medium", "label": "Medel", "max": 6},
        {"code": "high", "label": "Hög", "max": 9},
        {"code": "very_high", "label": "Mycket hög", "max": 16},
    ],
}

STANDARD_SECTIONS = [
    {"title": "Bakgrund och syfte", "help": "Vilken förändring eller vilket arbetssätt gäller analysen?"},
    {"title": "Avgränsning", "help": "Vilka verksamheter, processer och målgrupper omfattas?"},
    {"title": "Metod och deltagare", "help": "Hur genomfördes analysen och vilka deltog?"},
    {"title": "Sammanfattande bedömning", "help": "Vilka risker är störst för den enskilde?"},
]

TEMPLATES = [
    {
        "name": "Riskanalys inför förändring eller nytt arbetssätt",
        "description": "Förvaltningens standardmall enligt SOSFS 2011:9, 5 kap. 1 §.",
        "sections": STANDARD_SECTIONS,
        "suggested_risks": [
            "Den enskilde får inte information om förändringen i tid",
            "Överlämning mellan handläggare brister så att insatser fördröjs",
            "Medarbetare saknar kunskap om det nya arbetssättet",
            "Tillgängligheten för den enskilde minskar",
        ],
    },
    {
        "name": "Riskanalys utifrån mönster i avvikelser",
        "description": "När flera avvikelser pekar åt samma håll.",
        "sections": [
            {"title": "Avvikelsemönster", "help": "Vilka avvikelser och vilket mönster?"},
            {"title": "Orsaksanalys", "help": "Varför uppstår avvikelserna?"},
            {"title": "Sammanfattande bedömning", "help": ""},
        ],
        "suggested_risks": [
            "Rutinen följs inte",
            "Rutinen saknas eller är otydlig",
            "Hög arbetsbelastning leder till fördröjd handläggning",
        ],
    },
    {
        "name": "Riskanalys inför flytt eller ändrade lokaler",
        "description": "Flytt av verksamhet, nya lokaler eller ändrade öppettider.",
        "sections": STANDARD_SECTIONS,
        "suggested_risks": [
            "Personakter hanteras inte säkert vid flytten",
            "Besökare hittar inte till den nya adressen",
            "Tryggheten i lokalerna försämras",
        ],
    },
]


def seed(apps, schema_editor):
    RiskScale = apps.get_model("riskanalysis", "RiskScale")
    RiskTemplate = apps.get_model("riskanalysis", "RiskTemplate")
    scale = dict(DEFAULT_SCALE)
    RiskScale.objects.get_or_create(key=scale.pop("key"), version=scale.pop("version"), defaults=scale)
    for tpl in TEMPLATES:
        data = dict(tpl)
        RiskTemplate.objects.get_or_create(name=data.pop("name"), defaults=data)


class Migration(migrations.Migration):
    dependencies = [("riskanalysis", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
