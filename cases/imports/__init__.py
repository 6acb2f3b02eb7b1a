"""Import of historic cases from Lifecare, Treserva or Flexite exports (DESIGN §7).

Format: docs/import.md. Every row is checked before anything is written; any error rejects
the whole file with row, column and reason in Swedish.
"""

from .errors import ImportError_, RowError
from .runner import ImportResult, import_cases_file, import_units_file

__all__ = ["ImportError_", "ImportResult", "RowError", "import_cases_file", "import_units_file"]
