"""Fixtures for the import tests: fast passwords and a helper that builds a case file."""

import csv
import io

from cases.imports.runner import CASE_COLUMNS

# The file format is the importer's own column list: a new column needs no second edit.
COLUMNS = CASE_COLUMNS


def case_file(rows: list[dict]) -> bytes:
    """A `;`-separated case file with every column; missing values are empty."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows([str(r.get(c, "")) for c in COLUMNS] for r in rows)
    return out.getvalue().encode()
