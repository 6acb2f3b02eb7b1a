"""A single case as PDF for public-records requests, with and without masking."""

import io
import re

import pytest
from pypdf import PdfReader

from cases.masking import PERSONNUMMER_RE, mask_personnummer
from cases.models import AccessLog
from cases.services.parts import measure_create, note_add
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def case(org):
    chef = org.users["chef_a1"]
    chef.first_name, chef.last_name = "Sara", "Lindqvist"
    chef.save()
    case = make_case(
        org.units["A1"],
        kind_="deviation",
        actor=chef,
        reporter=chef,
        title="Utebliven återkoppling",
        description="Barnet 120304-1234 fick inget svar. Sara Lindqvist ringde.",
    )
    measure_create(
        case=case, actor=chef, description="Rutin för återkoppling ses över", responsible=chef
    )
    note_add(case=case, text="Kontakt med vårdnadshavare 19850101-5678.", actor=chef)
    return case


def test_unmasked_pdf_holds_the_case_and_is_logged(org, login, case):
    response = login(org.users["chef_a1"]).get(f"/arenden/{case.reference}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert case.reference in text
    assert "Rutin för återkoppling ses över" in text
    assert "Historik" in text
    assert AccessLog.objects.filter(case=case, action="print").count() == 1


def test_masked_pdf_removes_names_and_personnummer(org, login, case):
    response = login(org.users["chef_a1"]).get(f"/arenden/{case.reference}/pdf/?maskerad=1")
    text = _text(response)
    assert "Lindqvist" not in text and "Sara" not in text
    assert not PERSONNUMMER_RE.search(text)
    assert "[maskerat]" in text
    assert "fick inget svar" in text  # the rest of the text survives


def test_pdf_permissions(org, login, case):
    # Medarbetare: no print right (403); another section's chef: invisible (404).
    assert login(org.users["staff_a1"]).get(f"/arenden/{case.reference}/pdf/").status_code == 403
    assert login(org.users["chef_b1"]).get(f"/arenden/{case.reference}/pdf/").status_code == 404


@pytest.mark.parametrize(
    "raw", ["850101-5678", "19850101-5678", "198501015678", "8501015678", "850161+5678"]
)
def test_personnummer_variants_are_masked(raw):
    assert mask_personnummer(f"pnr {raw} slut") == "pnr [maskerat] slut"


def test_ordinary_numbers_are_not_masked():
    assert mask_personnummer("Diarienummer OAN 2026/80, 213 (177), tel 040-34 10 00") == (
        "Diarienummer OAN 2026/80, 213 (177), tel 040-34 10 00"
    )
    assert not re.search(r"maskerat", mask_personnummer("AV-2025-0042"))


def test_masked_pdf_of_a_complaint_removes_the_senders_name(org, login):
    """The complaint type supplies its sender's name through CaseType.personal_names."""
    from cases.complaints.services import complaint_submit_public

    submission = complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        sender_name="Birgitta Holmqvist",
        sender_email="boende@example.se",
        description="Birgitta Holmqvist fick vänta i två timmar i receptionen.",
    )
    reference = submission.complaint.case.reference
    client = login(org.users["chef_a1"])
    assert "Holmqvist" in _text(client.get(f"/arenden/{reference}/pdf/"))
    masked = _text(client.get(f"/arenden/{reference}/pdf/?maskerad=1"))
    assert "Holmqvist" not in masked and "fick vänta i två timmar" in masked


def test_masked_pdf_hides_people_and_contact_details_in_the_history(org, login, clock):
    """The history now lists what a case was created with and who was handläggare: a former
    handläggare who never acted, and the sender's e-mail, leave the masked copy too."""
    from datetime import timedelta

    from cases.complaints.services import complaint_assign, complaint_submit_public

    former = org.users["chef_a"]
    former.first_name, former.last_name = "Gunnel", "Wästberg"
    former.save()
    case = complaint_submit_public(
        unit=org.units["A1"],
        complaint_type="klagomal",
        sender_name="Birgitta Holmqvist",
        sender_email="birgitta.h@example.se",
        description="Fick vänta länge.",
    ).complaint.case
    chef = org.users["chef_a1"]
    complaint_assign(case=case, assignee=former, actor=chef, reason="Tillfälligt")
    clock.shift(timedelta(minutes=5))
    complaint_assign(case=case, assignee=chef, actor=chef, reason="Tar över")
    client = login(chef)

    plain = _text(client.get(f"/arenden/{case.reference}/pdf/"))
    masked = _text(client.get(f"/arenden/{case.reference}/pdf/?maskerad=1"))

    assert "Wästberg" in plain and "birgitta.h@example.se" in plain
    assert "Wästberg" not in masked and "Gunnel" not in masked
    assert "birgitta.h@example.se" not in masked and "Holmqvist" not in masked
    assert "Handläggare" in masked and "Tar över" in masked
