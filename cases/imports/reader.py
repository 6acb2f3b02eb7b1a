"""Read CSV (UTF-8, ; or , separated) or XLSX (first sheet) into dict rows with line numbers."""

import csv
import io
from pathlib import Path

from .errors import ImportError_, RowError


def _normalise_header(name: str) -> str:
    return (name or "").strip().lower().lstrip("\ufeff")


def read_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx" or data[:2] == b"PK":
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            [
                RowError(
                    1,
                    "-",
                    f"Filen är inte UTF-8-kodad (byte {exc.start}). Spara om den som CSV UTF-8.",
                )
            ]
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_normalise_header(h) for h in next(reader)]
    except StopIteration as exc:
        raise ImportError_([RowError(1, "-", "Filen är tom.")]) from exc
    rows = []
    for index, values in enumerate(reader, start=2):
        if not "".join(values).strip():  # one C call instead of a generator per row
            continue
        if len(values) > len(header):
            raise ImportError_(
                [
                    RowError(
                        index,
                        "-",
                        f"Raden har {len(values)} fält men rubrikraden har {len(header)}.",
                    )
                ]
            )
        if len(values) < len(header):
            values += [""] * (len(header) - len(values))
        rows.append((index, dict(zip(header, map(str.strip, values), strict=True))))
    return header, rows


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a user error here
        raise ImportError_([RowError(1, "-", "Filen kunde inte läsas som XLSX.")]) from exc
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        header = [_normalise_header(str(h) if h is not None else "") for h in next(it)]
    except StopIteration as exc:
        raise ImportError_([RowError(1, "-", "Filen är tom.")]) from exc
    rows = []
    for index, values in enumerate(it, start=2):
        cells = ["" if v is None else _cell(v) for v in values]
        if not any(cells):
            continue
        rows.append(
            (index, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header)})
        )
    return header, rows


def _cell(value) -> str:
    from datetime import date, datetime

    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
