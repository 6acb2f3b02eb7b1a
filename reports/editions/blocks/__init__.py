"""Data block registry: a block type key → (Swedish label, compute function, default params).
`compute_block` never raises for a reader: an unknown type or bad parameters give a result
with a note, so one broken block cannot stop a compile."""

import logging

from django.utils.translation import gettext_lazy as _

from .base import BlockScope
from .cases import block_case_count, block_case_distribution, block_case_months, block_case_trend
from .lexsarah import block_lexsarah
from .patterns import block_patterns
from .quality import (
    block_development_areas,
    block_riskanalyses,
    block_selfcontrols,
    block_supervision,
)
from .registers import (
    block_riskanalysis_register,
    block_selfcontrol_register,
    block_supervision_register,
)
from .spc import block_spc
from .suggest import suggestion

logger = logging.getLogger(__name__)

BLOCK_TYPES = {
    "case_count": (_("Antal med föregående år inom parentes"), block_case_count),
    "case_trend": (_("Femårstrend per verksamhetsområde (diagram och tabell)"), block_case_trend),
    "case_distribution": (
        _("Fördelning per kategori, orsak eller åtgärdstyp"),
        block_case_distribution,
    ),
    "case_months": (_("Antal ärenden per månad och typ"), block_case_months),
    "lexsarah": (_("Lex Sarah i siffror"), block_lexsarah),
    "supervision": (_("Beslut från tillsynsmyndigheter"), block_supervision),
    "riskanalyses": (_("Riskanalyser markerade för kvalitetsberättelsen"), block_riskanalyses),
    "selfcontrols": (_("Egenkontroller markerade för kvalitetsberättelsen"), block_selfcontrols),
    "development_areas": (_("Utvecklingsområden"), block_development_areas),
    "patterns": (
        _("Samma problem i flera kanaler (avvikelser, klagomål, lex Sarah)"),
        block_patterns,
    ),
    "spc": (_("Signaler per månad (seriediagram och styrdiagram)"), block_spc),
    "riskanalysis_register": (_("Bilaga: årets riskanalyser"), block_riskanalysis_register),
    "selfcontrol_register": (_("Bilaga: årets egenkontroller"), block_selfcontrol_register),
    "supervision_register": (_("Bilaga: årets tillsynsbeslut"), block_supervision_register),
}


def _unit_scope(scope: BlockScope, code: str) -> BlockScope | None:
    """A block with params["unit"] (a section per verksamhetsområde) counts in that unit of the
    edition's subtree only; a unit outside the subtree counts nothing (None)."""
    from cases.models import Unit

    unit = Unit.objects.filter(code=code, path__startswith=scope.unit.path).first()
    if unit is None:
        return None
    key = ("unit_scope", unit.pk)
    if key not in scope.cache:
        scope.cache[key] = BlockScope(
            unit=unit,
            year=scope.year,
            cases=scope.cases,
            period_start=scope.period_start,
            analysis_start=scope.analysis_start,
            parts=scope.parts,
        )
    return scope.cache[key]


def compute_block(block_type: str, params: dict, scope: BlockScope) -> dict:
    entry = BLOCK_TYPES.get(block_type)
    if entry is None:
        return {
            "block_type": block_type,
            "title": str(_("Okänt datablock")),
            "error": True,
            "sentences": [],
            "figures": [],
            "tables": [],
            "charts": [],
            "items": [],
            "notes": [str(_("Datablocket finns inte längre."))],
            "rule_text": "",
            "suggestion": "",
        }
    params = params or {}
    if params.get("unit"):
        narrowed = _unit_scope(scope, params["unit"])
        if narrowed is None:
            return compute_block("", {}, scope) | {
                "notes": [str(_("Enheten finns inte i organisationen."))]
            }
        scope = narrowed
    result = entry[1](scope, params)
    result["suggestion"] = suggestion(result)
    return result


__all__ = ["BLOCK_TYPES", "BlockScope", "compute_block"]
