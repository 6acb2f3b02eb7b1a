"""Fixtures for the import tests: fast passwords and a helper that builds a case file."""

import csv
import io

COLUMNS = [
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


def case_file(rows: list[dict]) -> bytes:
    """A `;`-separated case file with every column; missing values are empty."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([str(r.get(c, "")) for c in COLUMNS] for r in rows)
    return out.getvalue().encode()
