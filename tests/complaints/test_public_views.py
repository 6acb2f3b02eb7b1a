"""The public e-service /e-tjanst/: submission, receipt code, abuse protection, bad input."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.complaints import public_views
from cases.complaints import services as svc
from cases.complaints.models import Complaint, ComplaintAddition
from cases.models import Case, Note
from cases.services.parts import note_add
from tests.factories import make_unit

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:6399/0"
CODE_IN_PAGE = re.compile(r'id="receipt-code">([A-Z0-9-]+)<')


def _form(org, **overrides):
    data = {
        "complaint_type": "klagomal",
        "unit": str(org.units["A1"].pk),
        "description": "Jag fick inget svar på mitt mejl på tre veckor.",
        "occurred_on": "",
        "sender_category": "brukare",
        "anonymous": "nej",
        "sender_name": "Anna Andersson",
        "sender_email": "anna@example.se",
        "sender_phone": "040-12 34 56",
        "website": "",
    }
    data.update(overrides)
    return data


def _submit(client, data):
    response = client.post("/e-tjanst/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    shown = client.get(response["Location"])
    match = CODE_IN_PAGE.search(shown.content.decode())
    assert match, shown.content.decode()
    return match.group(1), shown


# --- Submitting ----------------------------------------------------------------------------


def test_form_is_public_lists_units_grouped_by_avdelning_and_has_honeypot(org, client):
    response = client.get("/e-tjanst/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="sv"' in html and 'class="skip-link"' in html
    assert '<optgroup label="Avdelning A">' in html and "Sektion A1" in html
    assert "Jag vet inte" in html
    assert 'class="field honeypot"' in html and "Lämna detta fält tomt" in html
    assert "<fieldset" in html and "<legend>Vad vill du lämna?" in html
    assert "Logga ut" not in html and "Inkorg" not in html  # no staff navigation
    assert "<script>" not in html and "style=" not in html  # strict CSP: no inline code
    assert response["Cache-Control"].startswith("max-age=0")


def test_submission_creates_one_case_and_shows_code_once(org, client):
    before = Case.objects.count()
    code, shown = _submit(client, _form(org))
    assert Case.objects.count() == before + 1
    case = Case.objects.latest("id")
    assert case.unit == org.units["A1"] and case.complaint.source == "utomstaende"
    assert case.complaint.sender_category.code == "brukare"
    assert case.reference in shown.content.decode()
    assert svc.complaint_by_receipt_code(code).pk == case.pk
    again = client.get("/e-tjanst/tack/").content.decode()
    assert code not in again and "redan visats" in again


def test_unknown_unit_goes_to_forvaltning(org, client):
    _submit(client, _form(org, unit="vet-inte"))
    assert Case.objects.latest("id").unit == org.units["ASF"]


def test_units_outside_the_public_list_are_refused(org, client):
    response = client.post("/e-tjanst/", _form(org, unit=str(org.units["ASF"].pk)))
    assert response.status_code == 400
    assert "Välj en verksamhet i listan." in response.content.decode()
    assert not Case.objects.exists()


def test_anonymous_choice_stores_no_contact_data(org, client):
    _submit(client, _form(org, anonymous="ja", sender_name="", sender_email="", sender_phone=""))
    complaint = Complaint.objects.get()
    assert complaint.anonymous
    assert not (complaint.sender_name or complaint.sender_email or complaint.sender_phone)


def test_anonymous_with_contact_data_is_explained_and_values_kept(org, client):
    response = client.post("/e-tjanst/", _form(org, anonymous="ja"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Du har valt att vara anonym" in html
    assert 'value="anna@example.se"' in html  # nothing typed is lost
    assert "Jag fick inget svar på mitt mejl" in html
    assert not Case.objects.exists()


def test_empty_form_gives_swedish_errors_with_summary_links(org, client):
    response = client.post("/e-tjanst/", {"website": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_complaint_type_0"' in html and 'href="#id_description"' in html
    for text in [
        "Välj om du vill lämna klagomål",
        "Välj vilken verksamhet det gäller.",
        "Berätta vad det gäller.",
        "Välj om du vill vara anonym",
    ]:
        assert text in html
    assert 'aria-invalid="true"' in html


def test_ten_megabyte_text_gives_swedish_error_not_500(org, client):
    response = client.post("/e-tjanst/", _form(org, description="a" * (10 * 1024 * 1024)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Texten är för lång. Skriv högst 20000 tecken" in html
    assert not Case.objects.exists()


def test_script_tags_are_stored_verbatim_and_escaped_everywhere(org, client, login):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    code, _shown = _submit(client, _form(org, description=evil, sender_name=evil[:100]))
    case = Case.objects.get()
    assert case.description == evil
    svc.complaint_reply(
        case=svc.complaint_receive(case=case, actor=org.users["chef_a1"]),
        reply_text=evil,
        actor=org.users["chef_a1"],
    )
    public = Client()
    public.post("/e-tjanst/kvitto/", {"code": code})
    page = public.get("/e-tjanst/kvitto/arende/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    staff = login(org.users["chef_a1"]).get(case.get_absolute_url()).content.decode()
    assert "<script>alert" not in staff and "<img src=x" not in staff
    assert "&lt;script&gt;alert" in staff


def test_honeypot_filled_creates_nothing_and_keeps_values(org, client):
    response = client.post("/e-tjanst/", _form(org, website="http://spam.example"))
    assert response.status_code == 400
    assert "Formuläret kunde inte skickas" in response.content.decode()
    assert "Jag fick inget svar" in response.content.decode()
    assert not Case.objects.exists()


def test_exe_renamed_pdf_is_refused_and_rolled_back(org, client):
    exe = SimpleUploadedFile(
        "intyg.pdf",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 500,
        content_type="application/pdf",
    )
    response = client.post("/e-tjanst/", {**_form(org), "attachment": exe})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Filtypen är inte tillåten" in html and "Välj filen igen" in html
    assert 'value="anna@example.se"' in html
    assert not Case.objects.exists()
    # The gap-free counter rolled back too: the next case gets number 1.
    _submit(client, _form(org))
    assert Case.objects.get().reference.endswith("-0001")


def test_real_pdf_is_attached(org, client):
    pdf = SimpleUploadedFile(
        "brev.pdf",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
        content_type="application/pdf",
    )
    response = client.post("/e-tjanst/", {**_form(org), "attachment": pdf})
    assert response.status_code == 302
    attachment = Case.objects.get().attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.uploaded_by is None


def test_csrf_is_enforced(org):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/e-tjanst/", _form(org)).status_code == 403
    assert strict.post("/e-tjanst/kvitto/", {"code": "AAAA"}).status_code == 403
    assert not Case.objects.exists()


def test_submissions_are_rate_limited_per_ip(org, client, monkeypatch):
    monkeypatch.setattr(public_views, "SUBMIT_LIMIT", 3)
    for _i in range(3):
        client.post("/e-tjanst/", {"description": "x"})
    response = client.post("/e-tjanst/", _form(org))
    assert response.status_code == 429
    assert "Du har skickat många formulär" in response.content.decode()
    assert 'value="anna@example.se"' in response.content.decode()
    assert not Case.objects.exists()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post("/e-tjanst/", _form(org)).status_code == 302


def test_redis_down_fails_open_never_500(org, client, settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": DEAD_REDIS}}
    code, _shown = _submit(client, _form(org))
    assert client.post("/e-tjanst/kvitto/", {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 400
    assert client.post("/e-tjanst/kvitto/", {"code": code}).status_code == 302


# --- Receipt code ----------------------------------------------------------------------------


def test_receipt_shows_status_and_reply_and_nothing_else(org, client, public_complaint):
    complaint, code = public_complaint()
    chef = org.users["chef_a1"]
    case = svc.complaint_receive(case=complaint.case, actor=chef)
    note_add(case=case, text="INTERN ANTECKNING om medarbetaren", actor=chef)
    svc.complaint_assign(case=case, assignee=org.users["staff_a1"], actor=chef)
    svc.complaint_measure_add(case=case, description="INTERN ÅTGÄRD samtal", actor=chef)
    svc.complaint_reply(case=case, reply_text="Vi har pratat med personalen.", actor=chef)

    response = client.post("/e-tjanst/kvitto/", {"code": code.lower()})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page["Cache-Control"].startswith("max-age=0")
    html = page.content.decode()
    assert case.reference in html and "Besvarad" in html
    assert "Vi har pratat med personalen." in html
    for secret in [
        "INTERN ANTECKNING",
        "INTERN ÅTGÄRD",
        chef.last_name,
        chef.username,
        org.users["staff_a1"].last_name,
        "anna@example.se",
        "Anna Andersson",
    ]:
        assert secret not in html, secret
    assert Note.objects.filter(case=case).exists()


def test_wrong_code_shows_nothing_and_locks_out_after_five(org, client, public_complaint):
    complaint, code = public_complaint()
    wrong = code[:5] + ("AAAA-AAAA-AAAA" if not code.endswith("AAAA") else "BBBB-BBBB-BBBB")
    for _attempt in range(1, 5):
        response = client.post("/e-tjanst/kvitto/", {"code": wrong})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Vi hittade inget ärende med den koden" in html
        assert complaint.case.reference not in html
        assert client.get("/e-tjanst/kvitto/arende/").status_code == 302
    fifth = client.post("/e-tjanst/kvitto/", {"code": wrong})
    assert fifth.status_code == 429
    assert "för många gånger" in fifth.content.decode()
    # Locked: even the right code shows nothing now from this address.
    locked = client.post("/e-tjanst/kvitto/", {"code": code})
    assert locked.status_code == 429 and complaint.case.reference not in locked.content.decode()
    assert client.get("/e-tjanst/kvitto/arende/").status_code == 302
    # Another address is not affected.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/e-tjanst/kvitto/", {"code": code}).status_code == 302


def test_status_page_without_code_redirects_to_code_form(org, client):
    response = client.get("/e-tjanst/kvitto/arende/")
    assert response.status_code == 302 and response["Location"] == "/e-tjanst/kvitto/"


def test_sender_adds_information_visible_to_staff(org, client, login, public_complaint):
    complaint, code = public_complaint(anonymous=True)
    client.post("/e-tjanst/kvitto/", {"code": code})
    response = client.post("/e-tjanst/kvitto/arende/", {"text": "Det hände igen på fredag."})
    assert response.status_code == 302
    assert ComplaintAddition.objects.get(complaint=complaint).text == "Det hände igen på fredag."
    staff_page = login(org.users["chef_a1"]).get(complaint.case.get_absolute_url())
    assert "Det hände igen på fredag." in staff_page.content.decode()
    empty = client.post("/e-tjanst/kvitto/arende/", {"text": " "})
    assert empty.status_code == 400 and "Skriv det du vill lägga till." in empty.content.decode()
    huge = client.post("/e-tjanst/kvitto/arende/", {"text": "x" * 10_001})
    assert huge.status_code == 400 and "för lång" in huge.content.decode()
    assert ComplaintAddition.objects.count() == 1
    client.post("/e-tjanst/kvitto/stang/")
    assert client.get("/e-tjanst/kvitto/arende/").status_code == 302


def test_unit_list_query_count_does_not_grow(org, client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/e-tjanst/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        avd = make_unit(f"X{i}", f"Avdelning X{i}", org.units["ASF"], "avdelning")
        for j in range(3):
            make_unit(f"X{i}-{j}", f"Verksamhet X{i}-{j}", type(avd).objects.get(pk=avd.pk))
    assert count() == before
    assert "Verksamhet X5-2" in client.get("/e-tjanst/").content.decode()


def test_binary_garbage_in_code_is_handled(org, client):
    for junk in ["\x00\x01", "A" * 41, "' OR 1=1 --", io.BytesIO(b"x").getvalue().decode()]:
        response = client.post("/e-tjanst/kvitto/", {"code": junk})
        assert response.status_code in (400, 429)
