"""Issue 18, point 6 on the lex Sarah pages: references instead of database ids, "–" instead of
"None", and Swedish names for the downloaded files."""

import re

from django.urls import reverse
from django.utils import timezone

from lexsarah.archive import lexsarah_documents
from lexsarah.models import ImmediateMeasure, IvoNotification

from .test_pdf import _au_case

DATABASE_ID = re.compile(r"Utredning \d+")


def test_lex_sarah_pages_show_references_and_never_none(client, org, make_report):
    case, meeting = _au_case(org, make_report)
    # Imported history: an immediate measure and an IVO decision without a recorded person.
    ImmediateMeasure.objects.create(
        report=case.lexsarah, taken_at=timezone.now(), text="Importerad åtgärd", author=None
    )
    IvoNotification.objects.filter(report=case.lexsarah).update(decided_by=None)
    investigation = case.lexsarah.investigations.get()
    client.force_login(org.users["quality"])
    pages = [
        case.get_absolute_url(),
        reverse("cases:history", args=[case.reference]),
        reverse("lexsarah:investigation", args=[investigation.pk]),
        reverse("lexsarah:au_meeting", args=[meeting.pk]),
        reverse("lexsarah:au_list"),
    ]
    for url in pages:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", html)
        assert "None" not in text, url
        assert not DATABASE_ID.search(text), url
    detail = client.get(case.get_absolute_url()).content.decode()
    assert f"Utredning av {case.reference}" in detail
    assert "registrerad av –" in detail


def test_downloads_have_swedish_names(client, org, make_report):
    case, meeting = _au_case(org, make_report)
    client.force_login(org.users["quality"])
    au = client.get(reverse("lexsarah:au_pdf", args=[meeting.pk]))
    held = meeting.held_on.isoformat()
    assert f'filename="au-sammantrade-{held}-handlingar.pdf"' in au["Content-Disposition"]
    ivo = client.get(reverse("lexsarah:ivo_pdf", args=[case.reference]))
    assert f'filename="anmalan-ivo-{case.reference}.pdf"' in ivo["Content-Disposition"]
    printed = client.get(reverse("cases:pdf", args=[case.reference]) + "?maskerad=1")
    assert f'filename="{case.reference}-maskerad.pdf"' in printed["Content-Disposition"]
    names = [doc.filename for doc in lexsarah_documents(case)]
    assert f"utredning-{case.reference}.pdf" in names and "anmalan-ivo.pdf" in names
