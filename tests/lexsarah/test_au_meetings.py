"""AU meetings (issue 18 point 4): titles and members by default, decisions only from the
meeting day, what waits and the next meeting first, the summary in the packet, and the
chair's start page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.services import ServiceError
from lexsarah import services as svc
from lexsarah.models import AgendaItem, Assessment, AUMeeting
from tests.factories import UserFactory, member
from tests.lexsarah.test_pdf import _text

pytestmark = pytest.mark.django_db


def _assessed(org, make_report, **draft):
    chef, inv_user = org.users["chef_a1"], org.users["investigator"]
    case = make_report(title="Fel dos till boende på kvällen")
    svc.lexsarah_receive(case=case, actor=chef, immediate_measure="Läkare kontaktad")
    svc.lexsarah_assign_investigator(case=case, assignee=inv_user, actor=chef)
    inv = svc.investigation_create(cases=[case], actor=inv_user)
    draft.setdefault("events", "Kvällspersonalen gav fel dos.")
    inv = svc.investigation_save_draft(
        investigation=inv, expected_version=inv.version, actor=inv_user, data=draft
    )
    svc.investigation_assess(
        investigation=inv,
        assessment=Assessment.MISSFORHALLANDE,
        motivation="Rutinen följdes inte",
        actor=inv_user,
    )
    return case, inv


def _on_agenda(org, make_report, held_on, **draft):
    case, inv = _assessed(org, make_report, **draft)
    meeting = svc.au_meeting_create(held_on=held_on, actor=org.users["au"])
    item = svc.agenda_item_add(meeting=meeting, investigation=inv, actor=org.users["au"])
    return case, meeting, item


def _decide(org, item):
    return svc.agenda_item_decide(
        item=item,
        actor=org.users["au"],
        measures_approved=True,
        severity=Assessment.MISSFORHALLANDE,
        ivo=False,
    )


# --- titles and members ----------------------------------------------------------------------


def test_meeting_gets_default_title_and_the_au_members(org):
    second = UserFactory(username="au2")
    member(second, org.units["ASF"], "arbetsutskott")
    day = timezone.localdate() + timedelta(days=3)
    meeting = svc.au_meeting_create(held_on=day, actor=org.users["au"])
    assert meeting.title == f"Arbetsutskottets sammanträde {day.isoformat()}"
    assert set(meeting.members.all()) == {org.users["au"], second}
    named = svc.au_meeting_create(
        held_on=day, actor=org.users["au"], title="Extra", members=[second]
    )
    assert named.title == "Extra" and list(named.members.all()) == [second]


# --- decisions only on or after the meeting day -------------------------------------------


def test_decision_before_the_meeting_day_is_refused_in_swedish(org, make_report):
    day = timezone.localdate() + timedelta(days=4)
    _case, _meeting, item = _on_agenda(org, make_report, day)
    with pytest.raises(ServiceError, match=f"först på sammanträdesdagen {day.isoformat()}"):
        _decide(org, item)
    assert AgendaItem.objects.get(pk=item.pk).decided_at is None


def test_decision_on_the_meeting_day_and_after_is_allowed(org, make_report, clock):
    day = timezone.localdate() + timedelta(days=4)
    _case, _meeting, item = _on_agenda(org, make_report, day)
    clock.move_to(timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())))
    assert _decide(org, item).decided_at is not None


def test_meeting_page_before_the_day_offers_no_decision_and_post_is_refused(
    org, make_report, client
):
    day = timezone.localdate() + timedelta(days=4)
    _case, meeting, item = _on_agenda(org, make_report, day)
    client.force_login(org.users["au"])
    page = client.get(reverse("lexsarah:au_meeting", args=[meeting.pk])).content.decode()
    assert "Spara beslut" not in page
    assert f"besluten kan registreras från {day.isoformat()}" in page
    response = client.post(
        reverse("lexsarah:agenda_decide", args=[meeting.pk, item.pk]),
        {
            f"item{item.pk}-severity": Assessment.MISSFORHALLANDE,
            f"item{item.pk}-measures_approved": "ja",
            f"item{item.pk}-minutes": "Godkänns",
        },
    )
    assert response.status_code == 400
    assert "först på sammanträdesdagen" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).decided_at is None


# --- the list: what waits and the next meeting first --------------------------------------


def test_list_shows_waiting_and_next_meeting_before_the_form_and_the_table(
    org, make_report, client
):
    _assessed(org, make_report)
    today = timezone.localdate()
    old = svc.au_meeting_create(held_on=today - timedelta(days=30), actor=org.users["au"])
    AUMeeting.objects.filter(pk=old.pk).update(title="")  # a meeting from before titles
    upcoming = svc.au_meeting_create(held_on=today + timedelta(days=5), actor=org.users["au"])
    client.force_login(org.users["au"])
    page = client.get(reverse("lexsarah:au_list")).content.decode()
    waiting = page.index("Utredningar som väntar på arbetsutskottet")
    nxt = page.index("Nästa sammanträde")
    form = page.index("Nytt sammanträde")
    table = page.index("Alla sammanträden")
    assert waiting < form and nxt < form < table
    assert f"Arbetsutskottets sammanträde {upcoming.held_on.isoformat()}" in page[nxt:form]
    assert f"<td>Arbetsutskottets sammanträde {old.held_on.isoformat()}</td>" in page[table:]


def test_list_allowed_forbidden(org, client):
    client.force_login(org.users["au"])
    assert client.get(reverse("lexsarah:au_list")).status_code == 200
    client.force_login(org.users["chef_a1"])
    assert client.get(reverse("lexsarah:au_list")).status_code == 403


def test_meeting_of_another_is_invisible_to_a_chef(org, client):
    meeting = svc.au_meeting_create(held_on=timezone.localdate(), actor=org.users["au"])
    client.force_login(org.users["chef_a1"])
    assert client.get(reverse("lexsarah:au_meeting", args=[meeting.pk])).status_code == 403


# --- the packet ------------------------------------------------------------------------------


def test_packet_has_titles_and_the_summary_and_no_empty_summary_heading(org, make_report, client):
    today = timezone.localdate()
    case, meeting, _item = _on_agenda(
        org,
        make_report,
        today,
        assessment_text="Rutinen för dubbelsignering följdes inte.",
    )
    _case2, inv2 = _assessed(org, make_report)  # only the events written
    svc.agenda_item_add(meeting=meeting, investigation=inv2, actor=org.users["au"])
    client.force_login(org.users["au"])
    text = _text(client.get(reverse("lexsarah:au_pdf", args=[meeting.pk])).content)
    assert f"Arbetsutskottets sammanträde {today.isoformat()}" in text
    assert "Fel dos till boende på kvällen" in text  # the agenda item's title
    assert text.count("Sammanfattning av utredningen") == 2  # one per investigation
    assert "Rutinen för dubbelsignering följdes inte." in text
    # Only the parts written: the second has events and the assessment, no empty headings.
    second = text[text.rindex("Sammanfattning av utredningen") :]
    assert "Händelseförlopp" in second
    assert "Orsaksanalys" not in second and "Den enskildes syn" not in second


# --- the chair's start page -----------------------------------------------------------------


def test_chair_start_page_shows_next_meeting_and_decisions_waiting(org, make_report, client):
    today = timezone.localdate()
    _case, due_today, item = _on_agenda(org, make_report, today)
    later = svc.au_meeting_create(held_on=today + timedelta(days=7), actor=org.users["au"])
    client.force_login(org.users["au"])
    page = client.get("/").content.decode()
    assert "Nästa sammanträde" in page
    assert str(due_today) in page  # today's meeting is the next one
    assert "Beslut som väntar" in page
    assert f"§ {item.paragraph}" in page
    _decide(org, item)
    page = client.get("/").content.decode()
    assert "Inga beslut väntar." in page
    assert str(later) not in page or str(due_today) in page


def test_start_page_of_a_chef_has_no_au_card(org, client):
    client.force_login(org.users["chef_a1"])
    assert "Beslut som väntar" not in client.get("/").content.decode()
