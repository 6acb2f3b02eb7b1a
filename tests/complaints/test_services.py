"""Services for klagomål och synpunkter: intake, receipt codes, the workflow, reply, e-mail."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from cases.complaints import services as svc
from cases.complaints.models import Complaint, ComplaintAddition
from cases.complaints.workflow import COMPLAINT_TRANSITIONS, ComplaintStatus
from cases.models import Case, CaseLink, Measure
from cases.services import ServiceError, TransitionNotAllowed
from cases.services.parts import measure_set_status
from tests.factories import code

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^[A-HJKMNP-Z2-9]{4}(-[A-HJKMNP-Z2-9]{4}){3}$")


def _force_status(case: Case, status: str) -> Case:
    # Test setup only: put the row in a given state without going through the workflow.
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=None)
    case.refresh_from_db()
    return case


# --- Intake ---------------------------------------------------------------------------------


def test_public_submission_creates_one_case_with_hashed_receipt_code(org, public_complaint):
    before = Case.objects.count()
    complaint, receipt = public_complaint()
    assert Case.objects.count() == before + 1
    case = complaint.case
    assert case.kind == "complaint" and case.reference.startswith("KS-")
    assert case.unit == org.units["A1"]
    assert case.status == ComplaintStatus.RECEIVED and case.due_step == "acknowledge"
    assert complaint.source == "utomstaende"
    assert complaint.channel.code == "e-tjanst"
    assert case.reporter is None
    assert CODE_RE.match(receipt), receipt
    # Only the selector (first group) and a salted hash are stored; the secret part is not.
    secret = receipt.replace("-", "")[4:]
    stored = Complaint.objects.filter(pk=case.pk).values().get()
    assert all(secret not in str(v) for v in stored.values())
    assert all(
        secret not in str(v) for v in complaint.history.values_list("receipt_code_hash", flat=True)
    )
    assert stored["receipt_code_hash"].startswith("sha256$")


def test_two_codes_for_same_text_differ_and_hashes_are_salted(org, public_complaint):
    c1, r1 = public_complaint()
    c2, r2 = public_complaint()
    assert r1 != r2
    assert c1.receipt_code_hash != c2.receipt_code_hash


def test_anonymous_submission_stores_no_contact_data_even_if_passed(org, public_complaint):
    complaint, _code = public_complaint(
        anonymous=True,
        sender_name="Namn Efternamn",
        sender_email="hemlig@example.se",
        sender_phone="0701234567",
    )
    complaint.refresh_from_db()
    assert complaint.anonymous is True
    assert (complaint.sender_name, complaint.sender_email, complaint.sender_phone) == ("", "", "")
    for row in complaint.history.all():
        assert (row.sender_name, row.sender_email, row.sender_phone) == ("", "", "")
    assert svc.complaint_email_recipient(complaint) == ""


def test_staff_complaint_is_source_personal_with_reporter(org):
    sub = svc.complaint_create_staff(
        unit=org.units["A2"],
        complaint_type="forbattringsforslag",
        title="Förslag",
        description="Bättre rutin",
        actor=org.users["staff_a1"],
    )
    complaint = sub.complaint
    assert complaint.source == "personal" and complaint.sender_category.code == "personal"
    assert complaint.case.reporter == org.users["staff_a1"]
    assert sub.receipt_code == "" and complaint.receipt_code_hash == ""


def test_registered_by_letter_via_ivo_keeps_channel_category_and_date(org):
    received = timezone.localdate() - timezone.timedelta(days=3)
    complaint = svc.complaint_register(
        unit=org.units["B1"],
        complaint_type="klagomal",
        title="Brev från IVO",
        description="IVO har överlämnat ett klagomål.",
        channel="brev",
        sender_category="via-ivo",
        received_on=received,
        actor=org.users["chef_b1"],
    ).complaint
    assert complaint.source == "utomstaende"
    assert complaint.channel.code == "brev" and complaint.sender_category.code == "via-ivo"
    assert timezone.localtime(complaint.case.received_at).date() == received


@pytest.mark.parametrize(
    "text,message",
    [
        ("   ", "Beskriv vad som hänt"),
        ("x" * 20_001, "för lång"),
    ],
)
def test_bad_description_is_refused_in_swedish_and_nothing_is_created(org, text, message):
    before = Case.objects.count()
    with pytest.raises(ServiceError, match=message):
        svc.complaint_submit_public(
            unit=org.units["A1"], complaint_type="klagomal", description=text
        )
    assert Case.objects.count() == before


# --- Receipt codes --------------------------------------------------------------------------


def test_receipt_code_lookup_accepts_typing_variants_and_refuses_wrong_codes(org, public_complaint):
    complaint, receipt = public_complaint()
    assert svc.complaint_by_receipt_code(receipt) == complaint
    assert svc.complaint_by_receipt_code(receipt.lower().replace("-", " ")) == complaint
    wrong_last = receipt[:-1] + ("A" if receipt[-1] != "A" else "B")
    assert svc.complaint_by_receipt_code(wrong_last) is None
    # Right selector, wrong secret; wrong selector, right secret; garbage.
    assert svc.complaint_by_receipt_code(receipt[:5] + "AAAA-AAAA-AAAA") is None
    assert svc.complaint_by_receipt_code("ZZZZ" + receipt[4:]) is None or receipt[:4] == "ZZZZ"
    for junk in ["", "ABCD", "<script>", "A" * 500, "ÅÄÖÅ-ÅÄÖÅ-ÅÄÖÅ-ÅÄÖÅ"]:
        assert svc.complaint_by_receipt_code(junk) is None


def test_addition_from_sender_is_audited_without_user_and_refused_when_closed(
    org, public_complaint
):
    complaint, _r = public_complaint()
    addition = svc.complaint_addition_add(complaint=complaint, text="Det hände igen i dag.")
    assert addition.history.get().history_change_reason == "Komplettering från avsändaren"
    assert addition.history.get().history_user is None
    svc.complaint_close(case=complaint.case, actor=org.users["chef_a1"], reason="Felskickat")
    complaint.case.refresh_from_db()
    with pytest.raises(ServiceError, match="avslutat"):
        svc.complaint_addition_add(complaint=complaint, text="Mer")
    assert ComplaintAddition.objects.filter(complaint=complaint).count() == 1


# --- Workflow -------------------------------------------------------------------------------

TRANSITION_SERVICES = {
    # service → target status
    "receive": ComplaintStatus.INVESTIGATING,
    "reply": ComplaintStatus.ANSWERED,
    "resume": ComplaintStatus.INVESTIGATING,
    "close": ComplaintStatus.CLOSED,
}


def _call(name, case, actor):
    if name == "receive":
        return svc.complaint_receive(case=case, actor=actor)
    if name == "reply":
        return svc.complaint_reply(case=case, reply_text="Svar", actor=actor)
    if name == "resume":
        return svc.complaint_resume(case=case, actor=actor)
    return svc.complaint_close(case=case, actor=actor, reason="Klart")


@pytest.mark.parametrize("from_status", [s.value for s in ComplaintStatus])
@pytest.mark.parametrize("service", list(TRANSITION_SERVICES))
def test_every_transition_service_follows_the_table(org, public_complaint, from_status, service):
    complaint, _r = public_complaint()
    case = _force_status(complaint.case, from_status)
    target = TRANSITION_SERVICES[service]
    # "resume" only makes sense from besvarad; receive only from inkommen (by its target).
    allowed = target in COMPLAINT_TRANSITIONS[from_status]
    if service == "receive" and from_status != ComplaintStatus.RECEIVED:
        allowed = allowed and from_status == ComplaintStatus.RECEIVED
    if service == "resume" and from_status != ComplaintStatus.ANSWERED:
        allowed = allowed and from_status == ComplaintStatus.ANSWERED
    history_before = case.history.count()
    actor = org.users["chef_a1"]
    if allowed:
        moved = _call(service, case, actor)
        assert moved.status == target
        last = moved.history.latest()
        assert last.history_user == actor and last.history_change_reason
    else:
        with pytest.raises(TransitionNotAllowed):
            _call(service, case, actor)
        case.refresh_from_db()
        assert case.status == from_status
        assert case.history.count() == history_before


def test_full_flow_with_measure_reply_and_history(
    org, public_complaint, celery_eager, django_capture_on_commit_callbacks
):
    complaint, _r = public_complaint()
    case, chef = complaint.case, org.users["chef_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        case = svc.complaint_receive(case=case, actor=chef)
    assert case.due_step == "answer"
    assert [m.to for m in mail.outbox] == [["boende@example.se"]]
    assert case.reference in mail.outbox[0].subject
    complaint.refresh_from_db()
    assert complaint.acknowledged_at and complaint.ack_email_sent_at

    case = svc.complaint_assign(case=case, assignee=org.users["staff_a1"], actor=chef)
    assert case.assignee == org.users["staff_a1"]
    topics = [code("complaint_topic", "bemotande"), code("complaint_topic", "information")]
    svc.complaint_assess(
        case=case, topics=topics, deviation_found=True, actor=chef, reason="Utredd"
    )
    complaint.refresh_from_db()
    assert set(complaint.topics.values_list("code", flat=True)) == {"bemotande", "information"}
    latest = complaint.history.latest()
    assert latest.history_user == chef and latest.history_change_reason == "Utredd"
    assert {t.code_id for t in latest.topics.all()} == {t.pk for t in topics}

    with pytest.raises(ServiceError, match="nivån"):
        svc.complaint_measure_add(case=case, description="x", level="forvaltning", actor=chef)
    measure = svc.complaint_measure_add(
        case=case, description="Genomgång av bemötande på APT", level="verksamhet", actor=chef
    )
    record = measure.history.get()
    assert record.history_user == chef and record.history_change_reason == "Åtgärd efter klagomål"

    with django_capture_on_commit_callbacks(execute=True):
        case = svc.complaint_reply(case=case, reply_text="Vi ber om ursäkt.", actor=chef)
    assert case.status == ComplaintStatus.ANSWERED
    assert mail.outbox[-1].to == ["boende@example.se"]
    assert "Vi ber om ursäkt." in mail.outbox[-1].body
    complaint.refresh_from_db()
    assert complaint.reply_text == "Vi ber om ursäkt." and complaint.replied_on
    reply_row = complaint.history.filter(reply_text="Vi ber om ursäkt.").earliest()
    assert (
        reply_row.history_user == chef and reply_row.history_change_reason == "Återkoppling lämnad"
    )

    measure_set_status(measure=measure, status="genomford", actor=chef)  # done before closing
    case = svc.complaint_close(case=case, actor=chef, reason="Åtgärdat")
    assert case.status == ComplaintStatus.CLOSED and case.outcome == "avvikelse"
    assert case.closed_at is not None and case.due_at is None
    assert case.history.latest().history_change_reason == "Åtgärdat"


def test_close_with_deviation_requires_a_measure(org, public_complaint):
    complaint, _r = public_complaint()
    chef = org.users["chef_a1"]
    case = svc.complaint_receive(case=complaint.case, actor=chef)
    svc.complaint_assess(case=case, topics=[], deviation_found=True, actor=chef)
    with pytest.raises(ServiceError, match="minst en åtgärd"):
        svc.complaint_close(case=case, actor=chef, reason="Klar")
    with pytest.raises(ServiceError, match="motivering"):
        svc.complaint_close(case=case, actor=chef, reason="  ")
    assert Case.objects.get(pk=case.pk).status == ComplaintStatus.INVESTIGATING


def test_a_reason_is_kept_whole_up_to_the_one_limit(org, public_complaint):
    complaint, _r = public_complaint()
    case = svc.complaint_receive(case=complaint.case, actor=org.users["chef_a1"], reason="å" * 300)
    assert case.history.latest().history_change_reason == "å" * 300
    case = svc.complaint_assign(
        case=case, assignee=org.users["chef_a1"], actor=org.users["chef_a1"], reason="ä" * 700
    )
    assert case.history.latest().history_change_reason == "ä" * 500


def test_reply_email_is_sent_inline_when_broker_is_unreachable(
    org, public_complaint, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from cases.complaints import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(tasks.send_complaint_email, "delay", broker_down)
    complaint, _r = public_complaint()
    chef = org.users["chef_a1"]
    with django_capture_on_commit_callbacks(execute=True):
        case = svc.complaint_receive(case=complaint.case, actor=chef)
        svc.complaint_reply(case=case, reply_text="Svar trots trasig kö", actor=chef)
    assert len(mail.outbox) == 2
    complaint.refresh_from_db()
    assert complaint.ack_email_sent_at and complaint.reply_email_sent_at


def test_email_send_is_idempotent_and_skips_anonymous(org, public_complaint):
    complaint, _r = public_complaint()
    svc.complaint_receive(case=complaint.case, actor=org.users["chef_a1"])  # no on_commit run
    assert svc.complaint_email_send(case_id=complaint.pk, kind="acknowledgement") is True
    assert svc.complaint_email_send(case_id=complaint.pk, kind="acknowledgement") is False
    assert len(mail.outbox) == 1
    anonymous, _r = public_complaint(anonymous=True)
    assert svc.complaint_email_send(case_id=anonymous.pk, kind="acknowledgement") is False
    assert len(mail.outbox) == 1


# --- Escalation -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["deviation", "lexsarah"])
def test_escalation_creates_linked_case_with_lineage(org, public_complaint, kind):
    complaint, _r = public_complaint()
    chef = org.users["chef_a1"]
    target = svc.complaint_escalate(
        case=complaint.case, kind=kind, actor=chef, reason="Brister i bemötande upprepas"
    )
    assert target.kind == kind and target.unit == complaint.case.unit
    assert complaint.case.reference in target.description
    link = CaseLink.objects.get(source=complaint.case, target=target)
    assert link.kind == "escalated"
    assert link.history.exists()


def test_escalation_refuses_unknown_kind_and_empty_reason(org, public_complaint):
    complaint, _r = public_complaint()
    chef = org.users["chef_a1"]
    with pytest.raises(ServiceError):
        svc.complaint_escalate(case=complaint.case, kind="complaint", actor=chef, reason="x")
    with pytest.raises(ServiceError):
        svc.complaint_escalate(case=complaint.case, kind="deviation", actor=chef, reason="")
    assert not CaseLink.objects.exists()


def test_retention_scrub_removes_sender_data(org, public_complaint):
    from cases.retention import case_scrub

    complaint, receipt = public_complaint()
    svc.complaint_addition_add(complaint=complaint, text="Mitt telefonnummer är 0701234567")
    case_scrub(case=complaint.case)
    complaint.refresh_from_db()
    assert complaint.sender_email == "" and complaint.sender_name == ""
    assert not Complaint.history.filter(case_id=complaint.pk).exclude(sender_email="").exists()
    assert not ComplaintAddition.history.filter(complaint_id=complaint.pk).exclude(text="").exists()
    assert svc.complaint_by_receipt_code(receipt) is None
    assert Measure.objects.count() == 0
