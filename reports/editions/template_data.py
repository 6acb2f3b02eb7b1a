"""The two seeded templates as data. Titles may hold {year} and {next_year}; they are filled
in when an edition is created. A template is a starting point: quality staff add, remove,
reorder and rename sections in each edition."""


def T(text: str = "") -> dict:
    return {"kind": "text", "text": text}


def D(block_type: str, **params) -> dict:
    return {"kind": "data", "block_type": block_type, "params": params}


def S(
    title: str,
    *blocks: dict,
    children: list | None = None,
    appendix: bool = False,
    per_unit: str = "",
) -> dict:
    """per_unit: a unit kind code; the section is repeated for every unit of that kind in the
    edition's subtree, titled {unit}, and its data blocks count in that unit only."""
    spec = {
        "title": title,
        "blocks": list(blocks),
        "children": children or [],
        "appendix": appendix,
    }
    if per_unit:
        spec["per_unit"] = per_unit
    return spec


INTRO = (
    "Socialstyrelsens föreskrifter och allmänna råd om ledningssystem för systematiskt "
    "kvalitetsarbete (SOSFS 2011:9) fastställer vad som menas med kvalitet i socialtjänsten och "
    "hur arbetet fortlöpande och systematiskt ska bedrivas. Kvalitetsberättelsen beskriver hur "
    "arbetet har bedrivits under året, vilka åtgärder som har vidtagits och vilka resultat som "
    "har uppnåtts."
)
PATTERNS = (
    "Mönstren nedan avser ärenden som har avslutats under analysperioden, till skillnad från "
    "statistiken ovan som avser hela året. Mönster i lex Sarah avser rapporter som "
    "arbetsutskottet har behandlat under analysperioden, där utredningen har bedömt att ett "
    "missförhållande eller en påtaglig risk för missförhållande har förelegat."
)

MALMO_2025 = [
    S("Inledning", T(INTRO)),
    S("Uppföljning av utvecklingsområde {year}", T(), D("development_areas", mode="followed_up")),
    S("Ledningssystemets grundläggande uppbyggnad – processer och rutiner", T()),
    S(
        "Det systematiska förbättringsarbetet",
        T(),
        children=[
            S(
                "Avvikelser",
                T(),
                children=[
                    S(
                        "Klagomål och synpunkter till förvaltningen från utomstående",
                        T(),
                        D("case_count", kind="complaint", source="utomstaende", rule="received"),
                        D(
                            "case_trend",
                            kind="complaint",
                            source="utomstaende",
                            rule="received",
                            years=5,
                        ),
                    ),
                    S(
                        "Klagomål och synpunkter från personal och kvalitetsavvikelser",
                        T(),
                        D("case_count", kind="complaint", source="personal", rule="received"),
                        D(
                            "case_trend",
                            kind="complaint",
                            source="personal",
                            rule="received",
                            years=5,
                        ),
                        D("case_count", kind="deviation", rule="received"),
                        D("case_trend", kind="deviation", rule="received", years=5),
                    ),
                    S(
                        "Lex Sarah",
                        T(),
                        D("case_trend", kind="lexsarah", rule="received", years=5),
                        D("lexsarah"),
                    ),
                ],
            ),
            S(
                "Sammanställning och analys av avvikelser",
                T(PATTERNS),
                children=[
                    S(
                        "Mönster i kvalitetsavvikelser och klagomål och synpunkter från personal",
                        T(),
                        D(
                            "case_distribution",
                            kind="deviation",
                            dimension="event_category",
                            rule="closed",
                            period="analysis",
                        ),
                        D(
                            "case_distribution",
                            kind="deviation",
                            dimension="deficiency",
                            rule="closed",
                            period="analysis",
                        ),
                        D(
                            "case_distribution",
                            kind="deviation",
                            dimension="root_cause",
                            rule="closed",
                            period="analysis",
                        ),
                        D(
                            "case_distribution",
                            kind="deviation",
                            dimension="measure_type",
                            rule="closed",
                            period="analysis",
                        ),
                    ),
                    S(
                        "Mönster i klagomål och synpunkter från utomstående",
                        T(),
                        D(
                            "case_distribution",
                            kind="complaint",
                            source="utomstaende",
                            dimension="complaint_topic",
                            rule="closed",
                            period="analysis",
                        ),
                    ),
                    S(
                        "Mönster i lex Sarah",
                        T(),
                        D(
                            "case_distribution",
                            kind="lexsarah",
                            dimension="event_category",
                            rule="au",
                            period="analysis",
                        ),
                    ),
                ],
            ),
            S("Riskanalys", T(), D("riskanalyses")),
            S("Egenkontroll", T(), D("selfcontrols")),
        ],
    ),
    S(
        "Beslut till förvaltningen från tillsynsmyndigheter",
        T(),
        children=[
            S("Beslut från IVO", T(), D("supervision", authority="ivo")),
            S("Beslut från Justitieombudsmannen", T(), D("supervision", authority="jo")),
            S("Beslut från Justitiekanslern", T(), D("supervision", authority="jk")),
        ],
    ),
    S("Prioriterade utvecklingsområden {next_year}", T(), D("development_areas", mode="decided")),
    S("Riskanalyser {year}", D("riskanalysis_register"), appendix=True),
    S("Egenkontroller {year}", D("selfcontrol_register"), appendix=True),
    S("Beslut från tillsynsmyndigheter {year}", D("supervision_register"), appendix=True),
]

KARLSHAMN = [
    S("Inledning", children=[S("Bakgrund", T(INTRO)), S("Genomförande", T())]),
    S(
        "Socialstyrelsens föreskrifter och allmänna råd (SOSFS 2011:9) om ledningssystem för "
        "systematiskt kvalitetsarbete",
        T(),
    ),
    S("Organisatoriskt ansvar", T()),
    S(
        "Förvaltningens arbete med kvalitet",
        T(),
        children=[
            S(
                "Nämndens prioriterade utvecklingsområden",
                T(),
                D("development_areas", mode="followed_up"),
            ),
            S("Processer och rutiner", T()),
            S("Samverkan", T()),
            S(
                "Personalens medverkan i kvalitetsarbetet",
                T(),
                D("case_count", kind="complaint", source="personal", rule="received"),
            ),
            S(
                "Individens medverkan i kvalitetsarbetet",
                T(),
                D("case_count", kind="complaint", source="utomstaende", rule="received"),
                D(
                    "case_distribution",
                    kind="complaint",
                    source="utomstaende",
                    dimension="complaint_topic",
                    rule="received",
                    period="report",
                ),
            ),
            S("Riskanalys", T(), D("riskanalyses")),
            S("Internkontroll och egenkontroll", T(), D("selfcontrols")),
            S(
                "Avvikelser",
                T(),
                D("case_count", kind="deviation", rule="received"),
                D("case_trend", kind="deviation", rule="received", years=5),
                D(
                    "case_distribution",
                    kind="deviation",
                    dimension="deficiency",
                    rule="received",
                    period="report",
                ),
                D("lexsarah"),
                children=[
                    S(
                        "Åtgärder utifrån avvikelser",
                        T(),
                        D(
                            "case_distribution",
                            kind="deviation",
                            dimension="measure_type",
                            rule="closed",
                            period="report",
                        ),
                    )
                ],
            ),
            S("Krisberedskap", T()),
            S("Digitalisering och välfärdsteknik", T()),
        ],
    ),
    S(
        "Prioriterade områden under året",
        T(),
        children=[
            S("Sammanställning av analys och resultat", T(), D("supervision")),
        ],
    ),
    S("Barnkonventionen", T()),
    S("Mål och strategier för {next_year}", T(), D("development_areas", mode="decided")),
]

GOTEBORG_AREA = S(
    "{unit}",
    children=[
        S(
            "Resultat av systematiskt kvalitetsarbete",
            children=[
                S("Egenkontroll", T(), D("selfcontrols")),
                S(
                    "Synpunkter, avvikelser och lex Sarah",
                    T(),
                    D("case_count", kind="complaint", rule="received"),
                    D("case_count", kind="deviation", rule="received"),
                    D("case_count", kind="lexsarah", rule="received"),
                    D(
                        "case_distribution",
                        kind="deviation",
                        dimension="deficiency",
                        rule="received",
                        period="report",
                    ),
                ),
                S("Förbättringsarbetet sedan förra året", T()),
            ],
        ),
        S("Slutsatser och förbättringsåtgärder", T()),
    ],
    per_unit="verksamhetsomrade",
)

GOTEBORG = [
    S(
        "Inledning",
        children=[
            S(
                "Kvalitetsrapportens syfte och sammanhang",
                T(INTRO + " Kvalitetsåret är från 1 september till 31 augusti."),
            ),
            S("Sammanfattande bedömning", T()),
        ],
    ),
    GOTEBORG_AREA,
    S(
        "Beslut från tillsynsmyndigheter",
        T(),
        D("supervision"),
    ),
    S("Riskanalyser {year}", D("riskanalysis_register"), appendix=True),
    S("Egenkontroller {year}", D("selfcontrol_register"), appendix=True),
    S("Beslut från tillsynsmyndigheter {year}", D("supervision_register"), appendix=True),
]

# Per template: the report year's first day for new editions, and how the PDF treats a
# heading with neither narrative nor data ("omit", the default, or "note": "Inget att
# rapportera"). Göteborg reports every area's headings, so its empty ones say so.
TEMPLATE_OPTIONS = {
    "goteborg-kvalitetsar": {"period_start": (9, 1), "analysis_start": (9, 1), "empty": "note"},
}

TEMPLATES = [
    (
        "malmo-2025",
        "Standard (Malmö 2025)",
        "Inledning, uppföljning av utvecklingsområden, processer och rutiner, avvikelser per typ, "
        "sammanställning och analys, riskanalys, egenkontroll, tillsyn, prioriterade "
        "utvecklingsområden och bilagor.",
        MALMO_2025,
        True,
    ),
    (
        "karlshamn-tema",
        "Tematisk (Karlshamn)",
        "Kvalitetsarbetet beskrivet per tema: samverkan, medverkan, riskanalys, egenkontroll, "
        "avvikelser, krisberedskap, digitalisering, barnkonventionen.",
        KARLSHAMN,
        False,
    ),
    (
        "goteborg-kvalitetsar",
        "Per verksamhetsområde, kvalitetsår 1 sep–31 aug (Göteborg)",
        "Kvalitetsrapport med kvalitetsår 1 september–31 augusti: inledning och sammanfattande "
        "bedömning, sedan ett avsnitt per verksamhetsområde med egenkontroll, synpunkter, "
        "avvikelser och lex Sarah, förbättringsarbete och slutsatser; bilagor med årets "
        "riskanalyser, egenkontroller och tillsynsbeslut.",
        GOTEBORG,
        False,
    ),
]


def seed_templates(apps, schema_editor=None) -> None:
    """Idempotent: updates the seeded templates by key, leaves others alone."""
    model = apps.get_model("reports", "ReportTemplate")
    for key, name, description, structure, is_default in TEMPLATES:
        model.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "description": description,
                "structure": structure,
                "is_default": is_default,
                "active": True,
            },
        )
