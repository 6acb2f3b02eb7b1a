"""Swedish file names for exported report tables: `statistik-2025-ivo-beslut.xlsx`, not the
internal key (`ivo_decisions`). Keys shared by several blocks (the five-year trend of each
case type) are named from the table's caption instead."""

from cases.xlsx import swedish_filename

NAMES = {
    "months": "per-manad",
    "ivo_decisions": "ivo-beslut",
    "lexsarah_overview": "lex-sarah-nyckeltal",
    "lexsarah_assessment": "lex-sarah-bedomning",
    "measure_type": "atgardstyper",
    "supervision": "tillsynsbeslut",
    "supervision_deficiency": "tillsyn-bristomraden",
    "development_areas": "utvecklingsomraden",
    "riskanalyses": "riskanalyser",
    "selfcontrols": "egenkontroller",
    "riskanalysis_register": "riskanalyser-forteckning",
    "selfcontrol_register": "egenkontroller-forteckning",
    "supervision_register": "tillsynsbeslut-forteckning",
}
MAX_CAPTION_WORDS = 7


def export_filename(prefix: str, year: int, table: dict) -> str:
    name = NAMES.get(table.get("key", ""))
    if name is None:
        words = str(table.get("caption") or table.get("key") or "tabell").split()
        name = " ".join(words[:MAX_CAPTION_WORDS])
    return swedish_filename(prefix, year, name)
