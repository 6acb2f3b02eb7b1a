"""The import format (docs/import.md) and the rows the import's stages hand on: the reader's
dict rows become CaseRows in validation (cases.imports.runner), and each written case an
ImportedCase (cases.imports.write) that the type's applier gets with its row."""

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from cases.models import CodeList

# The import format (docs/import.md) names every type's columns; the rows each type keeps
# beside the Case are written by its registered `CaseType.import_applier`.
# A complaint needs a type; a row without `klagomalstyp` gets this inactive code (created by
# the runner when needed) so the data say "unknown" rather than a guessed type.
UNKNOWN_TYPE = "okand"
UNKNOWN_TYPE_LABEL = "Okänd typ (importerad)"
CASE_TYPES = {
    "klagomal_utomstaende": ("complaint", "utomstaende"),
    "klagomal_personal": ("complaint", "personal"),
    "avvikelse": ("deviation", ""),
    "lex_sarah": ("lexsarah", ""),
}
TYPE_KEYS = {v: k for k, v in CASE_TYPES.items()}
CODE_COLUMNS = {
    "kategori": (CodeList.EVENT_CATEGORY, False),
    "brister": (CodeList.DEFICIENCY, True),
    "orsaker": (CodeList.ROOT_CAUSE, True),
    "amnen": (CodeList.COMPLAINT_TOPIC, True),
    "atgarder": (CodeList.MEASURE_TYPE, True),
    "klagomalstyp": (CodeList.COMPLAINT_TYPE, False),
    "avsandare": (CodeList.SENDER_CATEGORY, False),
    "kanal": (CodeList.CHANNEL, False),
    "konsekvens": (CodeList.CONSEQUENCE, False),
}
# Columns whose data only one kind can hold: anything else would be dropped silently.
KIND_ONLY_COLUMNS = {
    "amnen": ("complaint", "gäller bara klagomål"),
    "klagomalstyp": ("complaint", "gäller bara klagomål"),
    "avvikelse_konstaterad": ("complaint", "gäller bara klagomål"),
    "avsandare": ("complaint", "gäller bara klagomål"),
    "kanal": ("complaint", "gäller bara klagomål"),
    "aterkoppling": ("complaint", "gäller bara klagomål"),
    "aterkoppling_datum": ("complaint", "gäller bara klagomål"),
    "brister": ("deviation", "gäller bara avvikelser"),
    "orsaker": ("deviation", "gäller bara avvikelser"),
    "konsekvens": ("deviation", "gäller bara avvikelser"),
}
# Codes the import adds itself (inactive) when a row leaves a required value unknown.
FALLBACK_CODES = {(CodeList.COMPLAINT_TYPE, UNKNOWN_TYPE): UNKNOWN_TYPE_LABEL}
DATE_COLUMNS = [
    "inkom",
    "handelse",
    "avslutad",
    "au_datum",
    "ivo_anmald",
    "ivo_beslut_datum",
    "aterkoppling_datum",
]
ASSESSMENTS = {"inget", "risk", "missforhallande", "risk_allvarligt", "allvarligt"}
CASE_COLUMNS = [
    "typ",
    "extern_referens",
    "enhet",
    "inkom",
    "handelse",
    "avslutad",
    "rubrik",
    "beskrivning",
    "kategori",
    "brister",
    "orsaker",
    "amnen",
    "atgarder",
    "avvikelse_konstaterad",
    "bedomning",
    "au_datum",
    "ivo_anmald",
    "ivo_beslut_datum",
    "ivo_beslut",
    "klagomalstyp",
    "avsandare",
    "kanal",
    "aterkoppling",
    "aterkoppling_datum",
    "konsekvens",
]
UNIT_COLUMNS = ["kod", "namn", "typ", "foralder"]
UNIT_KIND_CODES = {"forvaltning", "avdelning", "verksamhetsomrade", "sektion", "enhet", "namnd"}


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    units_created: int = 0
    codes_created: list[str] = field(default_factory=list)
    dry_run: bool = False
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """What an applier gets for each new case: its id, kind and Avvika reference."""

    pk: int
    kind: str
    reference: str


@dataclass
class CaseRow:
    line: int
    kind: str
    source: str
    external_reference: str
    unit_code: str
    received: date
    occurred: date | None
    closed: date | None
    title: str
    description: str
    codes: dict[str, list[str]]
    raw: dict[str, str]
    dates: dict[str, date | None]


@lru_cache(maxsize=16384)
def parse_date(value: str) -> date:
    # Cached: a file of 100 000 rows holds a few thousand distinct dates.
    return date.fromisoformat(value.strip()[:10])
