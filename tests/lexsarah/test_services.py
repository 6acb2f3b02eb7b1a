"""Every transition and the rules of issue #5 (services only; views in test_views*.py)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cases.models import Case
from cases.services import ConcurrentEditError, ServiceError
from cases.services.errors import TransitionNotAllowed
from lexsarah import services as svc
from lexsarah.models import Assessment, IvoNotification, IvoPath, LexSarahReport
from lexsarah.workflow import LexSarahStatus as S


def _status(case) -> str:
    return Case.objects.get(pk=case.pk).status


def _investigated(org, make_report, *, assessment, cases=None):
    chef, inv = org.users["chef_a1"], org.users["investigator"]
    cases = cases or [make_report()]
    for case in cases:
        svc.lexsarah_receive(case=case, actor=chef, immediate_measure="Extra personal i kväll.")
        svc.lexsarah_assign_investigator(case=case, assignee=inv, actor=chef)
    investigation = svc.investigation_create(cases=cases, actor=inv)
    investigation = svc.investigation_save_draft(
        investigation=investigation,
        expected_version=investigation.version,
        data={"events": "Fel dos gavs.", "proposed_measures": "Ny rutin."},
        actor=inv,
    )
    investigation = svc.investigation_assess(
        investigation=investigation,
        assessment=assessment,
        motivation="Enligt utredningen.",
        actor=inv,
    )
    return investigation, cases


def test_full_flow_to_au_ivo_and_close(org, make_report):
    investigation, [case] = _investigated(org, make_report, assessment=Assessment.SERIOUS)
    assert _status(case) == S.ASSESSED
    au = org.users["au"]
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au, chair=au, members=[au])
    item = svc.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    assert item.paragraph == "1" and _status(case) == S.AU
    with pytest.raises(ServiceError, match="IVO"):
        svc.agenda_item_decide(
            item=item, actor=au, measures_approved=True, severity=Assessment.SERIOUS, ivo=False
        )
    with pytest.raises(ServiceError, match="IVO"):
        svc.lexsarah_close(case=case, actor=au, reason="Klart")
    svc.agenda_item_decide(
        item=item,
        actor=au,
        measures_approved=True,
        severity=Assessment.SERIOUS,
        ivo=True,
        minutes="Anmäls.",
    )
    case = Case.objects.get(pk=case.pk)
    notification = IvoNotification.objects.get(report_id=case.pk)
    assert case.status == S.IVO and notification.path == IvoPath.AU
    assert case.due_step == "ivo_notification"
    assert notification.due_at.date() == (notification.decided_at + timedelta(days=7)).date()
    with pytest.raises(ServiceError, match="inte skickad|anmält"):
        svc.lexsarah_close(case=case, actor=au, reason="Klart")
    svc.ivo_notification_sent(case=case, sent_on=timezone.localdate(), actor=au)
    assert Case.objects.get(pk=case.pk).due_at is None
    svc.ivo_decision_record(
        case=case, decision_date=timezone.localdate(), outcome="kritik", actor=au
    )
    closed = svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason="Åtgärder klara")
    assert closed.status == S.CLOSED and closed.outcome == Assessment.SERIOUS
    assert LexSarahReport.objects.get(pk=case.pk).au_date == meeting.held_on


def test_no_close_without_assessment(org, make_report):
    case = make_report()
    svc.lexsarah_receive(case=case, actor=org.users["chef_a1"])
    with pytest.raises(ServiceError, match="saknar bedömning"):
        svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason="x")
    assert _status(case) == S.RECEIVED
    report = LexSarahReport.objects.get(pk=case.pk)
    assert svc.close_blockers(report) == ["Rapporten saknar bedömning."]


def test_close_blocked_reason_checked_before_table(org, make_report):
    case = make_report()
    with pytest.raises(ServiceError, match="bedömning"):
        svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason="x")
    assert _status(case) == S.REPORTED


def test_no_finding_closes_directly(org, make_report):
    _inv, [case] = _investigated(org, make_report, assessment=Assessment.NONE)
    with pytest.raises(ServiceError, match="motivering"):
        svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason=" ")
    assert svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason="Ok").status == S.CLOSED


def test_finding_needs_au(org, make_report):
    _inv, [case] = _investigated(org, make_report, assessment=Assessment.MISSFORHALLANDE)
    with pytest.raises(ServiceError, match="arbetsutskottet"):
        svc.lexsarah_close(case=case, actor=org.users["chef_a1"], reason="Ok")


def test_au_not_approving_sends_back_and_moderate_finding_closes(org, make_report):
    investigation, [case] = _investigated(org, make_report, assessment=Assessment.MISSFORHALLANDE)
    au = org.users["au"]
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    item = svc.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    svc.agenda_item_decide(
        item=item, actor=au, measures_approved=False, severity=Assessment.MISSFORHALLANDE, ivo=False
    )
    investigation.refresh_from_db()
    assert _status(case) == S.INVESTIGATING and investigation.completed_at is None
    with pytest.raises(ServiceError, match="redan beslutat"):
        svc.agenda_item_decide(
            item=item,
            actor=au,
            measures_approved=True,
            severity=Assessment.MISSFORHALLANDE,
            ivo=False,
        )
    inv = org.users["investigator"]
    svc.investigation_assess(
        investigation=investigation,
        assessment=Assessment.MISSFORHALLANDE,
        motivation="Kompletterad.",
        actor=inv,
    )
    meeting2 = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    item2 = svc.agenda_item_add(meeting=meeting2, investigation=investigation, actor=au)
    assert item2.paragraph == "2"
    svc.agenda_item_decide(
        item=item2, actor=au, measures_approved=True, severity=Assessment.MISSFORHALLANDE, ivo=False
    )
    assert svc.lexsarah_close(case=case, actor=au, reason="Klart").status == S.CLOSED


def test_au_raises_severity_requires_ivo(org, make_report):
    investigation, [case] = _investigated(org, make_report, assessment=Assessment.RISK)
    au = org.users["au"]
    item = svc.agenda_item_add(
        meeting=svc.au_meeting_create(held_on=timezone.localdate(), actor=au),
        investigation=investigation,
        actor=au,
    )
    svc.agenda_item_decide(
        item=item, actor=au, measures_approved=True, severity=Assessment.RISK_SERIOUS, ivo=True
    )
    report = LexSarahReport.objects.get(pk=case.pk)
    assert report.assessment == Assessment.RISK_SERIOUS
    assert report.history.filter(assessment=Assessment.RISK).exists()
    assert _status(case) == S.IVO


@pytest.mark.parametrize("prepare", ["reported", "received", "investigating"])
def test_urgent_path_before_investigation_finished(org, make_report, prepare):
    chef, au, inv = org.users["chef_a1"], org.users["au"], org.users["investigator"]
    case = make_report()
    if prepare != "reported":
        svc.lexsarah_receive(case=case, actor=chef)
    if prepare == "investigating":
        svc.investigation_create(cases=[case], actor=chef, investigator=inv)
    notification = svc.ivo_decide_urgent(case=case, actor=au, motivation="Kan inte vänta.")
    assert notification.path == IvoPath.URGENT and notification.decided_by == au
    assert _status(case) == S.IVO
    with pytest.raises(ServiceError, match="redan"):
        svc.ivo_decide_urgent(case=case, actor=au, motivation="Igen")


def test_urgent_path_then_investigation_and_au_keeps_one_notification(org, make_report):
    chef, au, inv = org.users["chef_a1"], org.users["au"], org.users["investigator"]
    case = make_report()
    svc.ivo_decide_urgent(case=case, actor=au, motivation="Akut.")
    investigation = svc.investigation_create(cases=[case], actor=chef, investigator=inv)
    assert _status(case) == S.INVESTIGATING
    investigation = svc.investigation_save_draft(
        investigation=investigation,
        expected_version=investigation.version,
        data={"events": "Förlopp"},
        actor=inv,
    )
    svc.investigation_assess(
        investigation=investigation,
        assessment=Assessment.SERIOUS,
        motivation="Allvarligt.",
        actor=inv,
    )
    with pytest.raises(ServiceError, match="redan beslutad"):
        svc.ivo_decide_urgent(case=case, actor=au, motivation="Igen")
    item = svc.agenda_item_add(
        meeting=svc.au_meeting_create(held_on=timezone.localdate(), actor=au),
        investigation=investigation,
        actor=au,
    )
    svc.agenda_item_decide(
        item=item, actor=au, measures_approved=True, severity=Assessment.SERIOUS, ivo=True
    )
    assert IvoNotification.objects.filter(report_id=case.pk).count() == 1
    assert IvoNotification.objects.get(report_id=case.pk).path == IvoPath.URGENT
    svc.ivo_notification_sent(case=case, sent_on=timezone.localdate(), actor=au)
    assert svc.lexsarah_close(case=case, actor=chef, reason="Klart").status == S.CLOSED


def test_one_investigation_covers_two_reports(org, make_report):
    cases = [make_report(), make_report(title="Samma kväll")]
    investigation, cases = _investigated(
        org, make_report, assessment=Assessment.MISSFORHALLANDE, cases=cases
    )
    assert investigation.reports.count() == 2
    assert {_status(c) for c in cases} == {S.ASSESSED}
    assert {LexSarahReport.objects.get(pk=c.pk).assessment for c in cases} == {"missforhallande"}
    with pytest.raises(ServiceError, match="pågående|bedömd|kan inte"):
        svc.investigation_create(cases=[cases[0]], actor=org.users["chef_a1"])


def test_investigation_add_report_and_investigator_grant(org, make_report):
    chef, inv = org.users["chef_a1"], org.users["investigator"]
    first, second = make_report(), make_report(unit_key="B1")
    for c, boss in ((first, chef), (second, org.users["chef_b1"])):
        svc.lexsarah_receive(case=c, actor=boss)
    investigation = svc.investigation_create(cases=[first], actor=chef, investigator=inv)
    # Whoever adds a report must be allowed to start its investigation: B1's chef, not A1's.
    with pytest.raises(PermissionDenied):
        svc.investigation_add_report(investigation=investigation, case=second, actor=chef)
    svc.investigation_add_report(
        investigation=investigation, case=second, actor=org.users["chef_b1"]
    )
    assert Case.objects.get(pk=second.pk).assignee == inv
    assert inv.has_perm("cases.handle_case", Case.objects.get(pk=second.pk))


def test_assign_requires_investigator_role(org, make_report):
    case = make_report()
    with pytest.raises(ServiceError, match="utredare"):
        svc.lexsarah_assign_investigator(
            case=case, assignee=org.users["staff_a1"], actor=org.users["chef_a1"]
        )


def test_receive_only_from_reported(org, make_report):
    case = make_report()
    svc.lexsarah_receive(case=case, actor=org.users["chef_a1"])
    with pytest.raises(TransitionNotAllowed):
        svc.lexsarah_receive(case=case, actor=org.users["chef_a1"])


def test_investigation_needs_receipt_first(org, make_report):
    with pytest.raises(TransitionNotAllowed):
        svc.investigation_create(cases=[make_report()], actor=org.users["chef_a1"])


def test_stale_draft_raises_conflict(org, make_report):
    chef = org.users["chef_a1"]
    case = make_report()
    svc.lexsarah_receive(case=case, actor=chef)
    investigation = svc.investigation_create(cases=[case], actor=chef)
    svc.investigation_save_draft(
        investigation=investigation, expected_version=1, data={"events": "A"}, actor=chef
    )
    with pytest.raises(ConcurrentEditError) as exc:
        svc.investigation_save_draft(
            investigation=investigation, expected_version=1, data={"events": "B"}, actor=chef
        )
    assert exc.value.current.events == "A"
    assert investigation.history.filter(events="A", history_user=chef).exists()


def test_immediate_measures_and_imy(org, make_report):
    chef = org.users["chef_a1"]
    case = make_report(personal_data_breach=True)
    report = LexSarahReport.objects.get(pk=case.pk)
    assert report.imy_due_at == case.received_at + timedelta(hours=72)
    svc.immediate_measure_add(case=case, text="Låste journalen.", actor=chef)
    svc.immediate_measure_add(case=case, text="Informerade den enskilde.", actor=chef)
    assert report.immediate_measures.count() == 2
    with pytest.raises(ServiceError, match="Beskriv"):
        svc.immediate_measure_add(case=case, text=" ", actor=chef)
    svc.imy_report_record(case=case, actor=chef)
    assert LexSarahReport.objects.get(pk=case.pk).imy_reported_at is not None


def test_urgent_path_not_after_assessment(org, make_report):
    _inv, [case] = _investigated(org, make_report, assessment=Assessment.SERIOUS)
    with pytest.raises(TransitionNotAllowed):
        svc.ivo_decide_urgent(case=case, actor=org.users["au"], motivation="För sent")


def test_ivo_decision_needs_sent_notification(org, make_report):
    case = make_report()
    svc.ivo_decide_urgent(case=case, actor=org.users["au"], motivation="Akut")
    with pytest.raises(ServiceError, match="skickades"):
        svc.ivo_decision_record(
            case=case, decision_date=timezone.localdate(), outcome="kritik", actor=org.users["au"]
        )


def test_deadlines(org, make_report):
    case = make_report()
    assert case.due_step == "immediate_measures"
    assert timezone.localtime(case.due_at).date() == timezone.localdate(case.received_at)
    received = svc.lexsarah_receive(case=case, actor=org.users["chef_a1"])
    assert received.due_step == "investigation_start"
