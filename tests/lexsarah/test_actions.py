"""The lex Sarah action table (lexsarah/actions.py): what the case page offers is what the
services accept, in the cases people got wrong before (an AU-decided report already reported
to IVO offered "Starta utredning" and "Utse utredare" to the chef)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cases.actions import case_actions_offered
from cases.models import Case
from cases.services import ServiceError
from lexsarah import services as svc
from lexsarah.models import Assessment, ImmediateMeasure, Investigation
from lexsarah.workflow import LexSarahStatus as S

# The shared parts of the case page (notes, attachments, measures) offered to a handler of an
# open report; the tests below are about the lex Sarah steps.
PARTS = {"measure", "measure_status", "note", "attachment"}


def _offered(case, user) -> set[str]:
    return {a.name for a in case_actions_offered(Case.objects.get(pk=case.pk), user)}


def _steps(case, user) -> set[str]:
    return _offered(case, user) - PARTS


def _snapshot(case):
    fresh = Case.objects.get(pk=case.pk)
    return (
        fresh.status,
        fresh.version,
        fresh.assignee_id,
        fresh.history.count(),
        Investigation.objects.count(),
        ImmediateMeasure.objects.count(),
    )


def _assessed(org, make_report, assessment=Assessment.SERIOUS):
    chef, inv = org.users["chef_a1"], org.users["investigator"]
    case = make_report()
    svc.lexsarah_receive(case=case, actor=chef)
    svc.lexsarah_assign_investigator(case=case, assignee=inv, actor=chef)
    investigation = svc.investigation_create(cases=[case], actor=inv)
    investigation = svc.investigation_save_draft(
        investigation=investigation,
        expected_version=investigation.version,
        data={"events": "Fel dos gavs."},
        actor=inv,
    )
    svc.investigation_assess(
        investigation=investigation,
        assessment=assessment,
        motivation="Enligt utredningen.",
        actor=inv,
    )
    return case, investigation


@pytest.fixture
def au_decided_ivo(org, make_report):
    """Assessed as serious, decided by the AU (IVO) and sent to IVO: status "Anmäld till IVO"."""
    case, investigation = _assessed(org, make_report)
    au = org.users["au"]
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    item = svc.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    svc.agenda_item_decide(
        item=item, actor=au, measures_approved=True, severity=Assessment.SERIOUS, ivo=True
    )
    svc.ivo_notification_sent(case=case, sent_on=timezone.localdate(), actor=au)
    case = Case.objects.get(pk=case.pk)
    assert case.status == S.IVO
    return case


def test_au_decided_ivo_case_offers_the_chef_only_closing(client, org, au_decided_ivo):
    chef = org.users["chef_a1"]
    assert _steps(au_decided_ivo, chef) == {"close"}
    assert PARTS <= _offered(au_decided_ivo, chef)
    client.force_login(chef)
    body = client.get(au_decided_ivo.get_absolute_url()).content.decode()
    assert 'data-action="close"' in body
    for name in ("investigate", "assign", "immediate", "receive", "urgent"):
        assert f'data-action="{name}"' not in body, name
    assert "Starta utredning" not in body and "Utse utredare" not in body


@pytest.mark.parametrize(
    "name,data",
    [
        ("investigate", {"investigate-investigator": "INV"}),
        ("assign", {"assign-assignee": "INV"}),
        ("immediate", {"immediate-taken_at": "2026-11-16T08:00", "immediate-text": "Ny rutin"}),
    ],
)
def test_au_decided_ivo_case_refuses_what_is_not_offered(client, org, au_decided_ivo, name, data):
    chef, inv = org.users["chef_a1"], org.users["investigator"]
    before = _snapshot(au_decided_ivo)
    client.force_login(chef)
    data = {k: (inv.pk if v == "INV" else v) for k, v in data.items()}
    route = "lexsarah:measure" if name == "immediate" else f"lexsarah:{name}"
    response = client.post(reverse(route, args=[au_decided_ivo.reference]), data)
    assert response.status_code == 403  # not offered now: refused with the reason
    assert "redan bedömd" in response.content.decode()
    assert _snapshot(au_decided_ivo) == before


def test_au_decided_ivo_case_services_refuse(org, au_decided_ivo):
    chef, inv = org.users["chef_a1"], org.users["investigator"]
    with pytest.raises(ServiceError, match="redan bedömd"):
        svc.investigation_create(cases=[au_decided_ivo], actor=chef, investigator=inv)
    with pytest.raises(ServiceError, match="redan bedömd"):
        svc.lexsarah_assign_investigator(case=au_decided_ivo, assignee=inv, actor=chef)
    with pytest.raises(ServiceError, match="redan bedömd"):
        svc.immediate_measure_add(case=au_decided_ivo, text="x", actor=chef)


def test_urgent_ivo_before_investigation_still_offers_the_investigation(org, make_report):
    chef, au = org.users["chef_a1"], org.users["au"]
    case = make_report()
    svc.lexsarah_receive(case=case, actor=chef)
    svc.ivo_decide_urgent(case=case, actor=au, motivation="Kan inte vänta.")
    assert {"investigate", "assign", "immediate"} <= _steps(case, chef)
    assert "urgent" not in _offered(case, au)
    assert "ivo_sent" in _offered(case, au) and "ivo_sent" not in _offered(case, chef)
    investigation = svc.investigation_create(
        cases=[case], actor=chef, investigator=org.users["investigator"]
    )
    assert Case.objects.get(pk=case.pk).status == S.INVESTIGATING
    assert investigation.reports.count() == 1


def test_the_expected_next_step_comes_first(org, make_report):
    chef = org.users["chef_a1"]
    case = make_report()
    offered = case_actions_offered(case, chef)
    assert [a.name for a in offered][:3] == ["receive", "immediate", "assign"]
    svc.lexsarah_receive(case=case, actor=chef)
    assert case_actions_offered(Case.objects.get(pk=case.pk), chef)[0].name == "investigate"


def test_who_follows_the_roles(org, make_report):
    case = make_report()
    assert _offered(case, org.users["au"]) == {"urgent"}
    assert _offered(case, org.users["quality"]) == set()
    assert _offered(case, org.users["investigator"]) == set()
    with pytest.raises(PermissionDenied):
        svc.lexsarah_receive(case=case, actor=org.users["quality"])
    with pytest.raises(PermissionDenied):
        svc.ivo_decide_urgent(case=case, actor=org.users["chef_a1"], motivation="x")
    assert Case.objects.get(pk=case.pk).status == S.REPORTED


def test_closed_report_offers_only_ivo_decision_to_the_ivo_staff(org, au_decided_ivo):
    au, chef = org.users["au"], org.users["chef_a1"]
    svc.lexsarah_close(case=au_decided_ivo, actor=chef, reason="Klart")
    closed = Case.objects.get(pk=au_decided_ivo.pk)
    assert _offered(closed, chef) == set()  # a closed report: no handling at all
    assert _offered(closed, au) == {"ivo_decision"}
    svc.ivo_decision_record(
        case=closed, decision_date=timezone.localdate(), outcome="kritik", actor=au
    )
    assert _offered(closed, au) == set()
    with pytest.raises(ServiceError, match="redan registrerat"):
        svc.ivo_decision_record(
            case=closed, decision_date=timezone.localdate(), outcome="annat", actor=au
        )


def test_reopen_only_before_the_au_has_the_reports(client, org, make_report):
    case, investigation = _assessed(org, make_report, Assessment.MISSFORHALLANDE)
    inv_user, au = org.users["investigator"], org.users["au"]
    client.force_login(inv_user)
    url = reverse("lexsarah:investigation", args=[investigation.pk])
    assert 'data-action="reopen"' in client.get(url).content.decode()
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    svc.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    assert 'data-action="reopen"' not in client.get(url).content.decode()
    before = _snapshot(case)
    response = client.post(
        reverse("lexsarah:inv_reopen", args=[investigation.pk]), {"reopen-reason": "Nya uppgifter"}
    )
    # Not possible now (the AU has it): the page again with the reason, nothing changed.
    assert response.status_code == 403
    assert "Nya uppgifter" in response.content.decode()
    assert _snapshot(case) == before and Case.objects.get(pk=case.pk).status == S.AU


def test_au_decision_refused_once_the_investigation_is_reopened(client, org, make_report):
    case, investigation = _assessed(org, make_report, Assessment.MISSFORHALLANDE)
    au = org.users["au"]
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=au)
    item = svc.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    # Taken back by the system (e.g. an import correction): no longer the AU's to decide.
    svc.investigation_reopen(investigation=investigation, actor=None, reason="Rättelse")
    client.force_login(au)
    page = client.get(reverse("lexsarah:au_meeting", args=[meeting.pk])).content.decode()
    assert f'id="id_item{item.pk}-severity"' not in page
    with pytest.raises(ServiceError):
        svc.agenda_item_decide(
            item=item,
            actor=au,
            measures_approved=True,
            severity=Assessment.MISSFORHALLANDE,
            ivo=False,
        )
    item.refresh_from_db()
    assert item.decided_at is None and Case.objects.get(pk=case.pk).status == S.INVESTIGATING
