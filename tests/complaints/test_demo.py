"""The demo seeder: realistic, through the services (history), in the past, idempotent."""

import io
import random
from datetime import datetime

import pytest
from django.utils import timezone

from cases.complaints.demo import IMPORT_FILE, seed
from cases.complaints.models import Complaint
from cases.demo import seed_organisation
from cases.models import Case, Measure

pytestmark = pytest.mark.django_db


def test_demo_complaints_are_realistic_and_idempotent():
    users = seed_organisation()
    now = timezone.now()
    out = io.StringIO()
    created = seed(
        users=users, rng=random.Random(1), stdout=out, years={2024, now.year}, scale=0.25
    )
    assert created == Complaint.objects.count() > 40
    cases = Case.objects.filter(kind="complaint")
    assert set(cases.values_list("status", flat=True)) == {
        "inkommen",
        "under_utredning",
        "besvarad",
        "avslutad",
    }
    assert {c.source for c in Complaint.objects.all()} == {"utomstaende", "personal"}
    assert cases.values("unit").distinct().count() >= 5
    for case in cases.select_related("complaint"):
        assert case.received_at <= now
        assert case.history.filter(history_type="+").exists()
        assert all(h.history_date <= now for h in case.history.all())
        if case.status == "avslutad":
            assert case.received_at <= case.closed_at <= now
            assert case.complaint.reply_text and case.complaint.replied_on
            # Closed in the year it was handled, not on the day the demo was built.
            if case.received_at.year == 2024 and case.received_at.month < 11:
                assert case.closed_at.year == 2024
        if case.complaint.deviation_found:
            assert Measure.objects.filter(case=case).exists()
        if case.complaint.anonymous:
            assert not case.complaint.sender_email
    # Closed before the move into Avvika (the turn of the year): through the import, with the
    # sender category, channel and reply; since the move: through the services, step by step.
    moved = timezone.make_aware(datetime(now.year, 1, 1))
    old = cases.filter(closed_at__lt=moved).select_related("complaint")
    assert old.exists() and not old.exclude(imported_from=IMPORT_FILE).exists()
    for case in old[:20]:
        (row,) = case.history.all()
        assert row.history_change_reason == f"Import från {IMPORT_FILE}"
        assert (row.history_user.username, row.history_date) == ("kvalitet", moved)
        assert case.complaint.sender_category is not None
    live = cases.filter(received_at__gte=moved).select_related("complaint")
    assert live.exists() and not live.exclude(imported_from="").exists()
    for case in live.exclude(status="inkommen"):
        assert case.complaint.acknowledged_at is not None
        rows = list(case.history.order_by("history_date", "history_id"))
        # The path of statuses (an assignment before receiving leaves a row in the same status).
        path = [
            s for i, s in enumerate(r.status for r in rows) if i == 0 or s != rows[i - 1].status
        ]
        assert path[:2] == ["inkommen", "under_utredning"]
        assert all(r.history_change_reason for r in rows)
    # Reference numbers follow the received dates within a year (the import keeps the day:
    # complaints of one day come in file order).
    refs = list(
        cases.filter(received_at__year=2024)
        .order_by("received_at", "id")
        .values_list("reference", flat=True)
    )
    assert refs == sorted(refs)
    assert "ärenden" in out.getvalue()
    assert seed(users=users, rng=random.Random(1), stdout=out) == 0
    assert Complaint.objects.count() == created


def test_demo_shows_routed_and_unrouted_complaints():
    """Issue 18: the demo has a registrator, complaints waiting in "Att fördela" (one of them
    overdue) and complaints the registrator routed to a section."""
    from cases.models import CaseRouting
    from cases.selectors.routing import routing_queue

    users = seed_organisation()
    seed(users=users, rng=random.Random(1), stdout=io.StringIO(), years={2026}, scale=0.05)
    rows, total = routing_queue(users["registrator"])
    assert total == 3
    assert any(r.overdue for r in rows)
    assert {r.case.unit.code for r in rows} == {"UTR-BU", "EKB-EB", "ASF"}
    routed = CaseRouting.objects.select_related("to_unit", "routed_by")
    assert {r.to_unit.code for r in routed} == {"INS-OV-2", "EKB-EB-1"}
    assert {r.routed_by.username for r in routed} == {"registrator"}
