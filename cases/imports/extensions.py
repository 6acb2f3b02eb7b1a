"""Type-specific parts of an import row (complaint source/topics, deviation categories, lex Sarah
assessment and IVO dates). Each case-type app registers an applier; a kind without one imports
its Case-level fields only."""

from collections.abc import Callable

_APPLIERS: dict[str, Callable] = {}


def register(kind: str, applier: Callable) -> None:
    _APPLIERS[kind] = applier


def apply(kind: str, items, *, codes, user, reason: str) -> None:
    """items: list of (ImportedCase, CaseRow) — the new case's pk, kind and reference with its
    parsed row. Appliers must write in bulk (cases.imports.bulk; 100 000 rows < 60 s)."""
    applier = _APPLIERS.get(kind)
    if applier is not None:
        applier(items, codes=codes, user=user, reason=reason)
