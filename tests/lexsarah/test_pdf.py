"""PDFs read back with pypdf: headings, figures, and never a personnummer."""

import io
import re

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from lexsarah import services as svc
from lexsarah.models import Assessment

PNR = re.compile(r"(?<!\d)(?:19|20)?\d{6}[-+ ]?\d{4}(?!\d)")


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _au_case(org, make_report):
    chef, inv_user, au = org.users["chef_a1"], org.users["investigator"], org.users["au"]
    case = make_report(
        description="Boende 19450312-1234 fick fel dos.", persons_affected="Boende 450312-1234"
    )
    svc.lexsarah_receive(case=case, actor=chef, immediate_measure="Läkare kontaktad")
    svc.lexsarah_assign_investigator(case=case, assignee=inv_user, actor=chef)
    inv = svc.investigation_create(cases=[case], actor=inv_user)
    svc.investigation_save_draft(
        investigation=inv,
        expected_version=inv.version,
        actor=inv_user,
        data={
            "events": "Dosen till 194503121234 blev fel.",
            "proposed_measures": "Dubbelsignering av dosett.",
        },
    )
    svc.investigation_assess(
        investigation=inv,
        assessment=Assessment.SERIOUS,
        motivation="Allvarlig skada",
        actor=inv_user,
    )
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au, chair=au, members=[au])
    item = svc.agenda_item_add(meeting=meeting, investigation=inv, actor=au, paragraph="17")
    svc.agenda_item_decide(
        item=item, actor=au, measures_approved=True, severity=Assessment.SERIOUS, ivo=True
    )
    return case, meeting


def test_au_packet_pdf(client, org, make_report):
    case, meeting = _au_case(org, make_report)
    client.force_login(org.users["au"])
    response = client.get(reverse("lexsarah:au_pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for expected in (
        "Arbetsutskottet – sammanträdeshandlingar",
        "Dagordning",
        "§ 17",
        case.reference,
        "Händelseförlopp",
        "Förslag till åtgärder",
        "Dubbelsignering av dosett.",
        "Allvarligt missförhållande",
        "1 ärende på dagordningen",
        "SoL (2025:400)",
    ):
        assert expected in text, expected
    assert not PNR.search(text)
    assert "[maskerat]" in text


def test_ivo_notification_pdf(client, org, make_report):
    case, _meeting = _au_case(org, make_report)
    client.force_login(org.users["quality"])
    response = client.get(reverse("lexsarah:ivo_pdf", args=[case.reference]))
    assert response.status_code == 200
    text = _text(response.content)
    for expected in (
        "Anmälan till Inspektionen för vård och omsorg (IVO)",
        "Beslut om anmälan",
        "Beslut av arbetsutskottet",
        "§ 17",
        case.reference,
        "Vad hände",
        "Läkare kontaktad",
        "LSS 24 a–g §§",
    ):
        assert expected in text, expected
    assert not PNR.search(text)


def test_pdf_permissions(client, org, make_report):
    case, meeting = _au_case(org, make_report)
    client.force_login(org.users["chef_b1"])
    assert client.get(reverse("lexsarah:ivo_pdf", args=[case.reference])).status_code == 404
    assert client.get(reverse("lexsarah:au_pdf", args=[meeting.pk])).status_code == 403
    client.force_login(org.users["staff_a1"])
    assert client.get(reverse("lexsarah:ivo_pdf", args=[case.reference])).status_code == 404


def test_ivo_notification_pdf_has_the_sender_block_from_the_organisation_settings(
    client, org, make_report
):
    """Issue 18 point 5: nämnd, förvaltning, organisationsnummer, address and contact."""
    from cases.services.organisation import organisation_settings_update

    case, _meeting = _au_case(org, make_report)
    client.force_login(org.users["quality"])
    url = reverse("lexsarah:ivo_pdf", args=[case.reference])
    empty = _text(client.get(url).content)
    assert "Avsändare" in empty and "Organisationsuppgifterna är inte ifyllda" in empty
    organisation_settings_update(
        actor=org.users["quality"],
        reason="Inför IVO-anmälan",
        board="Socialnämnden",
        administration="Socialförvaltningen",
        organisation_number="2120000142",
        street_address="Box 123",
        postal_code="12345",
        city="Exempelstad",
        contact_name="Maria Ek",
        contact_phone="08-123 456",
        contact_email="kvalitet@example.se",
    )
    text = _text(client.get(url).content)
    for expected in (
        "Socialnämnden",
        "Socialförvaltningen",
        "212000-0142",
        "Box 123, 123 45 Exempelstad",
        "Maria Ek",
        "08-123 456",
        "kvalitet@example.se",
    ):
        assert expected in text, expected
    assert "inte ifyllda" not in text
