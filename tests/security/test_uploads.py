"""Uploads by allowlist (issue 15, Found 2 / Deliver 6): by extension AND content, in every
upload path (the case page, the public e-service, the lex Sarah investigation)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Attachment, Case
from cases.services import ServiceError
from cases.services.parts import attachment_add
from tests.factories import make_case

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<o/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<o/>"})
EML = b"From: anna@example.se\r\nTo: chef@kommun.se\r\nSubject: Hej\r\n\r\nText.\r\n"

HOSTILE = [
    ("skript.jse", b"WScript.Echo('x')"),
    ("skript.wsf", b'<job><script language="JScript">x</script></job>'),
    ("skript.vbe", b"#@~^AAAAAA==^#~@"),
    ("sida.shtml", HTML),
    ("arkiv.mht", b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n" + HTML),
    ("genvag.lnk", b"L\x00\x00\x00\x01\x14\x02\x00" + b"\x00" * 100),
    ("sida.html.", HTML),
    ("sida.html ", HTML),
    ("sida.html . .", HTML),
    ("intyg.pdf", b"%PDF-1.4\n" + HTML),  # a PDF header over an HTML body
    ("intyg.pdf", HTML),
    ("bild.png", HTML),
    ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("program.exe", b"MZ\x90\x00" + b"\x00" * 100),
    ("okand.xyz", b"vanlig text"),  # an unknown extension is refused, not skipped
    ("utan-filandelse", b"vanlig text"),
    ("anteckning.txt", HTML),
    ("tabell.csv", b"a;b\n<script>alert(1)</script>\n"),
    ("rapport.docx", HTML),
    ("rapport.docx", _zip({"index.html": HTML})),  # a ZIP without Word's parts
    ("rapport.odt", _zip({"mimetype": b"text/html", "content.xml": b"<o/>"})),
    ("rapport.doc", HTML),
    ("brev.eml", HTML),
    ("bild.jpg", b"GIF89a" + b"\x00" * 20),
]

HONEST = [
    ("intyg.pdf", PDF, "application/pdf"),
    ("bild.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png"),
    ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 40, "image/jpeg"),
    ("foto.jpeg", b"\xff\xd8\xff\xe1" + b"\x00" * 40, "image/jpeg"),
    ("bild.gif", b"GIF89a" + b"\x00" * 40, "image/gif"),
    ("bild.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40, "image/webp"),
    ("bild.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 40, "image/heic"),
    (
        "rapport.docx",
        DOCX,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("tabell.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (
        "bilder.pptx",
        PPTX,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("rapport.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ("tabell.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ("gammal.doc", OLE2, "application/msword"),
    ("gammal.xls", OLE2, "application/vnd.ms-excel"),
    ("mejl.msg", OLE2, "application/vnd.ms-outlook"),
    ("anteckning.txt", "Åtgärd klar".encode(), "text/plain"),
    ("excel.csv", "Enhet;Antal\nÄldreboende;3\n".encode("cp1252"), "text/csv"),
    ("mejl.eml", EML, "message/rfc822"),
    ("intyg.pdf.", PDF, "application/pdf"),  # the trailing dot is dropped, as Windows does
]


@pytest.mark.parametrize("name, content", HOSTILE)
def test_case_page_refuses_everything_off_the_allowlist(org, login, name, content):
    case = make_case(org.units["A1"])
    client = login(org.users["chef_a1"])
    response = client.post(
        f"/arenden/{case.reference}/bilaga/",
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code < 500
    assert "Filtypen är inte tillåten" in html and "OpenDocument" in html and "eml, msg" in html
    assert not Attachment.objects.filter(case=case).exists()


@pytest.mark.parametrize("name, content, mime", HONEST)
def test_case_page_accepts_the_allowed_types(org, login, name, content, mime):
    case = make_case(org.units["A1"])
    client = login(org.users["chef_a1"])
    client.post(f"/arenden/{case.reference}/bilaga/", {"file": SimpleUploadedFile(name, content)})
    assert Attachment.objects.get(case=case).content_type == mime


@pytest.mark.parametrize("name, content", HOSTILE)
def test_the_service_itself_refuses(org, name, content):
    """Every other upload path (the lex Sarah investigation, imports of attachments) goes
    through attachment_add; the rule is there, not in a form."""
    case = make_case(org.units["A1"])
    with pytest.raises(ServiceError, match="Filtypen är inte tillåten"):
        attachment_add(case=case, upload=SimpleUploadedFile(name, content), actor=None)


@pytest.mark.parametrize("name, content", [h for h in HOSTILE if h[0] != "utan-filandelse"])
def test_public_e_service_refuses_and_keeps_what_was_typed(org, client, name, content):
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "description": "Se bifogad fil om bemötandet.",
        "occurred_on": "",
        "sender_category": "brukare",
        "anonymous": "nej",
        "sender_name": "Anna Andersson",
        "sender_email": "anna@example.se",
        "sender_phone": "",
        "website": "",
        "attachment": SimpleUploadedFile(name, content, "application/pdf"),
    }
    response = client.post("/e-tjanst/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filtypen är inte tillåten" in html
    assert "Se bifogad fil om bemötandet." in html and 'value="anna@example.se"' in html
    assert not Case.objects.exists()


def test_downloads_stay_attachment_and_nosniff(org, login):
    case = make_case(org.units["A1"])
    attachment = attachment_add(
        case=case, upload=SimpleUploadedFile("intyg.pdf", PDF), actor=org.users["chef_a1"]
    )
    client = login(org.users["chef_a1"])
    response = client.get(f"/arenden/{case.reference}/bilaga/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
