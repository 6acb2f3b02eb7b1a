"""Which files may be attached to a case (issue 15, Found 2): an allowlist, by name AND content.

A file is accepted only when its extension is on the list below (after the trailing dots and
spaces that Windows drops when the file is saved — "sida.html." opens as HTML) and its bytes
are what that extension promises. A blocklist always misses something (.jse, .wsf, .mht, .lnk
were all stored before); an allowlist of the types a social-services case really needs does
not. Downloads are still served as `attachment` with `nosniff` (cases/views/detail.py).
"""

import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

HEAD_BYTES = 64 * 1024

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
# Markup a browser would render as a page: never in honest text, nor in the head of an honest
# PDF (each marker is long enough not to turn up by chance in compressed bytes).
HTML_MARKERS = re.compile(
    rb"<\s*(!doctype\s+html|html|head>|body|script|iframe|object|embed|svg|meta\s)",
    re.IGNORECASE,
)
HEADER_LINE = re.compile(rb"^[A-Za-z0-9-]{1,76}:[ \t]?\S")


class UploadRefused(ValueError):
    """The file is not one of the allowed types; the message says which types are."""


def _text(head: bytes) -> str | None:
    """The head as text, or None when it is not text (a program, an image, UTF-8 that is not).
    The head may end inside a character: only whole characters are judged."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if head.startswith(bom):
            try:
                return head.decode(encoding)
            except UnicodeDecodeError:
                return (
                    head[:-3].decode(encoding, errors="ignore") if len(head) == HEAD_BYTES else None
                )
    if b"\x00" in head:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if len(head) == HEAD_BYTES and exc.start >= len(head) - 3:
            return head[: exc.start].decode("utf-8")
    try:
        return head.decode("cp1252")  # Excel's "CSV" on Swedish Windows
    except UnicodeDecodeError:
        return None


def _plain_text(head: bytes, full: bytes) -> bool:
    text = _text(head)
    return text is not None and not HTML_MARKERS.search(text.encode("utf-8"))


def _email(head: bytes, full: bytes) -> bool:
    # An RFC 5322 message begins with header lines; its HTML parts (if any) are text the
    # downloader's mail program shows in its own sandbox, never a page the browser opens.
    text = _text(head)
    if text is None:
        return False
    first = text.lstrip("\ufeff").split("\n", 1)[0].encode()
    return bool(HEADER_LINE.match(first))


def _pdf(head: bytes, full: bytes) -> bool:
    return head.startswith(b"%PDF-") and not HTML_MARKERS.search(head)


def _zip_with(*names: str, mimetype: str = "") -> Callable[[bytes, bytes], bool]:
    def check(head: bytes, full: bytes) -> bool:
        if not head.startswith(ZIP):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(full)) as archive:
                entries = set(archive.namelist())
                if not all(name in entries for name in names):
                    return False
                if mimetype:
                    # Read only a small entry: never decompress what could be a zip bomb.
                    if archive.getinfo("mimetype").file_size > 200:
                        return False
                    return archive.read("mimetype").strip() == mimetype.encode()
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
            return False
        return True

    return check


def _starts(*magics: bytes) -> Callable[[bytes, bytes], bool]:
    return lambda head, full: any(head.startswith(m) for m in magics)


def _webp(head: bytes, full: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _heic(head: bytes, full: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heif")


@dataclass(frozen=True)
class FileType:
    mime: str
    check: Callable[[bytes, bytes], bool]
    needs_whole_file: bool = False


OOXML = "application/vnd.openxmlformats-officedocument."
ALLOWED: dict[str, FileType] = {
    ".pdf": FileType("application/pdf", _pdf),
    ".png": FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    ".jpg": FileType("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".jpeg": FileType("image/jpeg", _starts(b"\xff\xd8\xff")),
    ".gif": FileType("image/gif", _starts(b"GIF87a", b"GIF89a")),
    ".webp": FileType("image/webp", _webp),
    ".heic": FileType("image/heic", _heic),
    ".docx": FileType(
        OOXML + "wordprocessingml.document",
        _zip_with("[Content_Types].xml", "word/document.xml"),
        True,
    ),
    ".xlsx": FileType(
        OOXML + "spreadsheetml.sheet", _zip_with("[Content_Types].xml", "xl/workbook.xml"), True
    ),
    ".pptx": FileType(
        OOXML + "presentationml.presentation",
        _zip_with("[Content_Types].xml", "ppt/presentation.xml"),
        True,
    ),
    ".odt": FileType(
        "application/vnd.oasis.opendocument.text",
        _zip_with("content.xml", mimetype="application/vnd.oasis.opendocument.text"),
        True,
    ),
    ".ods": FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        _zip_with("content.xml", mimetype="application/vnd.oasis.opendocument.spreadsheet"),
        True,
    ),
    ".doc": FileType("application/msword", _starts(OLE2)),
    ".xls": FileType("application/vnd.ms-excel", _starts(OLE2)),
    ".msg": FileType("application/vnd.ms-outlook", _starts(OLE2)),
    ".txt": FileType("text/plain", _plain_text),
    ".csv": FileType("text/csv", _plain_text),
    ".eml": FileType("message/rfc822", _email),
}


def allowed_types_text() -> str:
    return _(
        "PDF, bilder (PNG, JPEG, GIF, WebP, HEIC), Word, Excel och PowerPoint (docx, xlsx, pptx, "
        "doc, xls), OpenDocument (odt, ods), text (txt, csv) och e-post (eml, msg)"
    )


def refused_message() -> str:
    return _("Filtypen är inte tillåten. Tillåtna typer: %s.") % allowed_types_text()


def upload_extension(name: str) -> str:
    """The extension the downloader's system will use: Windows drops trailing dots and spaces
    ("sida.html." and "sida.html " open as .html)."""
    base = os.path.basename((name or "").replace("\\", "/")).rstrip(". \t\r\n\x00")
    return os.path.splitext(base)[1].lower()


def upload_type(name: str, read: Callable[[], bytes], head: bytes) -> str:
    """The MIME type to store for an allowed file, or UploadRefused. `head` is the file's first
    HEAD_BYTES; `read()` the whole file, asked only for ZIP-based formats."""
    filetype = ALLOWED.get(upload_extension(name))
    if filetype is None:
        raise UploadRefused(refused_message())
    full = read() if filetype.needs_whole_file else head
    if not filetype.check(head, full):
        raise UploadRefused(refused_message())
    return filetype.mime
