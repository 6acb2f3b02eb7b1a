"""The daily e-mail digest: right people, right content, once a day, robust to deletions."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case, DigestSent
from cases.services.cases import case_assign, case_transition
from cases.services.digest import digest_recipients, digest_send, digest_send_all
from tests.factories import make_case


@pytest.fixture
def world(org):
    now = timezone.now()
    cases = {
        "new_a1": make_case(
            org.units["A1"], title="Hemligt namn Anna", received_at=now - timedelta(hours=2)
        ),
        "late_a1": make_case(
            org.units["A1"], "deviation", title="Sen", received_at=now - timedelta(days=20)
        ),
        "old_a2": make_case(org.units["A2"], title="Gammal", received_at=now - timedelta(days=3)),
        "new_b1": make_case(
            org.units["B1"], "lexsarah", title="B1", received_at=now - timedelta(hours=1)
        ),
    }
    return org, cases, now


def _mail_to(username: str):
    found = [m for m in mail.outbox if m.to == [f"{username}@example.se"]]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_right_people_get_the_right_digest(world):
    org, cases, now = world
    sent = digest_send_all(now=now)
    a1 = _mail_to("chef_a1")
    assert a1 is not None and a1.subject.startswith("Avvika: daglig sammanställning")
    assert cases["new_a1"].reference in a1.body and cases["late_a1"].reference in a1.body
    assert "Nya ärenden sedan förra sammanställningen" in a1.body and "Försenade ärenden" in a1.body
    assert cases["new_b1"].reference not in a1.body and cases["old_a2"].reference not in a1.body
    assert "Hemligt namn Anna" not in a1.body  # no titles or free text in e-mail
    assert "/inkorg/" in a1.body
    chef_a = _mail_to("chef_a")
    assert cases["new_a1"].reference in chef_a.body and cases["old_a2"].reference not in chef_a.body
    assert cases["new_b1"].reference in _mail_to("chef_b1").body
    # Quality staff, AU, investigators and medarbetare are neither chefs nor assignees.
    for username in ("quality", "au", "investigator", "staff_a1", "admin"):
        assert _mail_to(username) is None
    assert sent == len(mail.outbox) == 3


def test_assignee_gets_their_cases_and_nothing_means_no_mail(world):
    org, cases, now = world
    investigator = org.users["investigator"]
    case_assign(case=cases["late_a1"], assignee=investigator, actor=org.users["chef_a1"])
    digest_send_all(now=now)
    body = _mail_to("investigator").body
    assert cases["late_a1"].reference in body and cases["new_a1"].reference not in body
    # A chef with nothing new and nothing overdue gets no e-mail, but the day is recorded.
    case_transition(case=cases["new_b1"], to_status="ivo", actor=org.users["chef_b1"], reason="x")
    mail.outbox.clear()
    DigestSent.objects.all().delete()
    Case.objects.filter(pk=cases["new_b1"].pk).update(
        received_at=now - timedelta(days=5), due_at=None
    )
    digest_send_all(now=now)
    assert _mail_to("chef_b1") is None
    assert DigestSent.objects.get(user=org.users["chef_b1"]).sent_at is None


def test_idempotent_the_same_day_and_new_only_since_last_digest(world):
    org, cases, now = world
    digest_send_all(now=now)
    first = len(mail.outbox)
    digest_send_all(now=now + timedelta(minutes=30))
    assert len(mail.outbox) == first
    assert digest_send(user_id=org.users["chef_a1"].pk, now=now) is False
    assert DigestSent.objects.filter(user=org.users["chef_a1"]).count() == 1
    # The next day only the overdue case is left; "new" covers what came after yesterday's.
    mail.outbox.clear()
    tomorrow = now + timedelta(days=1)
    fresh = make_case(
        org.units["A1"], title="Efter gårdagens", received_at=now + timedelta(hours=1)
    )
    digest_send_all(now=tomorrow)
    body = _mail_to("chef_a1").body
    assert fresh.reference in body and cases["late_a1"].reference in body
    assert cases["new_a1"].reference not in body


def test_survives_a_case_deleted_between_queueing_and_running(world):
    org, cases, now = world
    queued = digest_recipients()
    assert org.users["chef_a1"].pk in queued
    Case.objects.filter(pk=cases["new_a1"].pk).delete()
    for user_id in queued:
        digest_send(user_id=user_id, now=now)
    body = _mail_to("chef_a1").body
    assert cases["new_a1"].reference not in body and cases["late_a1"].reference in body
    # A person removed after the fan-out is skipped, not an error.
    assert digest_send(user_id=987654, now=now) is False


def test_beat_task_fans_out_and_is_idempotent(world, settings):
    from cases import tasks
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        assert tasks.send_daily_digests() == len(digest_recipients())
        count = len(mail.outbox)
        assert count == 3
        tasks.send_daily_digests()
        assert len(mail.outbox) == count
    finally:
        app.conf.task_always_eager = previous


def test_beat_schedule_is_0630_stockholm():
    from config.celery import app

    entry = app.conf.beat_schedule["daily-digest"]
    assert entry["task"] == "cases.tasks.send_daily_digests"
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {30}
    assert str(app.conf.timezone) == "Europe/Stockholm"
