from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line in the file, header = row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Rad {self.row}, kolumn {self.column}: {self.message}"


class ImportError_(Exception):  # noqa: N801 - avoid shadowing the builtin ImportError
    """The file was rejected; nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors[:50]))
