"""Fixtures for klagomål och synpunkter."""

import pytest

from cases.complaints.services import complaint_create, complaint_submit_public
from tests.factories import code


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process (real task code, no broker) so e-mails land in the outbox."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def public_complaint(org):
    """A resident's complaint about Sektion A1 with an e-mail address; returns (complaint, code)."""

    def _make(**kwargs):
        kwargs.setdefault("unit", org.units["A1"])
        kwargs.setdefault("complaint_type", "klagomal")
        kwargs.setdefault("description", "Jag blev illa bemött i receptionen.")
        kwargs.setdefault("sender_email", "boende@example.se")
        kwargs.setdefault("sender_name", "Anna Andersson")
        submission = complaint_submit_public(**kwargs)
        return submission.complaint, submission.receipt_code

    return _make


@pytest.fixture
def staff_complaint(org):
    def _make(unit_key="A1", **kwargs):
        kwargs.setdefault("complaint_type", code("complaint_type", "synpunkt"))
        kwargs.setdefault("description", "Rutinen för överlämning följs inte.")
        kwargs.setdefault("title", "Överlämning mellan sektioner")
        return complaint_create(
            source="personal",
            unit=org.units[unit_key],
            actor=org.users["staff_a1"],
            reporter=org.users["staff_a1"],
            **kwargs,
        ).complaint

    return _make
