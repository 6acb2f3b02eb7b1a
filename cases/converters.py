"""Path converters: a URL that cannot name an object never reaches a view (issue 15, Found 6).

`<ref:reference>` is a case reference (AV-2025-0042; the model allows 20 characters). A NUL
byte, non-ASCII digits or a 10 000-character segment used to reach the database lookup, where
a NUL is a DataError (a 500); now the resolver answers 404 before any view or query runs."""

import re
from collections.abc import Iterable

from django.urls import register_converter

REFERENCE = "[A-Za-z0-9-]{1,20}"
_REFERENCE = re.compile(REFERENCE)


def references_only(values: Iterable[str], limit: int = 200) -> list[str]:
    """The values that can be case references (e.g. `?ref=` lists), the rest dropped: the
    same rule as the path converter, for references that arrive as query parameters."""
    return [v for v in values if isinstance(v, str) and _REFERENCE.fullmatch(v)][:limit]


class ReferenceConverter:
    regex = REFERENCE

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")
