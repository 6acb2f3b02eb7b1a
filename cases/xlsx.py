"""XLSX export of any table: lists, search results, statistics (DESIGN §6, §7).

What a reader opening the file in Excel expects: dates as date cells (sortable, filterable,
shown 2025-03-10), columns wide enough to read, a sheet name that says what the sheet holds
(Excel allows 31 characters and no []:*?/\\), and a Swedish file name."""

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import HttpResponse
from django.utils import timezone

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells starting with these are formulas in Excel; prefix them so exported text stays text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_SHEET = 31
MIN_WIDTH, MAX_WIDTH = 8, 60


def _safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_value(value):
    """A date cell for dates (also an ISO date string), Excel's naive local time for datetimes."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return _safe(value)


def sheet_name(title: str) -> str:
    """A meaningful sheet name within Excel's 31 characters: cut at a word, not mid-word."""
    name = " ".join(SHEET_FORBIDDEN.sub(" ", str(title or "")).split()).strip("'")
    if len(name) > MAX_SHEET:
        cut = name[: MAX_SHEET + 1].rsplit(" ", 1)[0]
        name = (cut if len(cut) >= 12 else name[:MAX_SHEET]).rstrip(" ,–-")
    return name or "Data"


def swedish_filename(*parts) -> str:
    """'statistik', 2025, 'Beslut från IVO' → 'statistik-2025-beslut-fran-ivo.xlsx'. ASCII
    only (å, ä, ö → a, a, o): some mail and archive systems mangle anything else."""
    words = []
    for part in parts:
        text = re.sub(r"[\u2010-\u2015]", "-", str(part))  # 2021–2025: the dash is a word break
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        if text:
            words.append(text)
    return "-".join(words)[:120].rstrip("-") + ".xlsx"


def _width(value) -> int:
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(title: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=False)
    ws = wb.active
    ws.title = sheet_name(title)
    ws.append([str(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [_width(h) for h in headers]
    for row in rows:
        values = [_cell_value(v) for v in row]
        ws.append(values)
        if len(values) == 1 and len(headers) > 1:
            continue  # a note under the table runs over the next columns; it sets no width
        for i, value in enumerate(values):
            if i >= len(widths):
                widths.append(0)
            widths[i] = max(widths[i], _width(value))
    for cells in ws.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, date):
                cell.number_format = DATE_FORMAT
    for i, width in enumerate(widths, start=1):
        # A note row may be one long sentence: it may run over, not widen its column.
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence]
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
