"""Fixtures for lex Sarah."""

import pytest

from lexsarah.services import lexsarah_report_create


@pytest.fixture
def celery_eager():
    """Run Celery tasks in-process (real task code, no broker) so e-mails land in the outbox."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def make_report(org):
    """A staff member's report about Sektion A1 (or another unit); returns the Case."""

    def _make(unit_key="A1", reporter_key="staff_a1", **kwargs):
        reporter = org.users[reporter_key]
        kwargs.setdefault("title", "Brukare fick fel läkemedel")
        kwargs.setdefault("description", "Kvällspersonalen gav fel dos.")
        kwargs.setdefault("reporter_type", "anstalld")
        kwargs.setdefault("notify", False)
        return lexsarah_report_create(
            unit=org.units[unit_key], actor=reporter, reporter=reporter, **kwargs
        )

    return _make
