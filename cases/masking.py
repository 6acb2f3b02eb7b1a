"""Masking for public-records requests (utlämnande) and for anything that leaves Avvika as a
document: personnummer, samordningsnummer and known names are replaced."""

import re
from collections.abc import Iterable

MASK = "[maskerat]"

# YYMMDD-NNNN, YYYYMMDD-NNNN, with -, + or no separator; samordningsnummer (day + 60) too.
PERSONNUMMER_RE = re.compile(r"(?<!\d)(?:19|20)?\d{2}[01]\d[0-9]\d[-+ ]?\d{4}(?!\d)")


def mask_personnummer(text: str) -> str:
    return PERSONNUMMER_RE.sub(MASK, text or "")


def mask_names(text: str, names: Iterable[str]) -> str:
    out = text or ""
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) > 1}, key=len, reverse=True
    ):
        out = re.sub(re.escape(name), MASK, out, flags=re.IGNORECASE)
    return out


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    return mask_personnummer(mask_names(text, names))
