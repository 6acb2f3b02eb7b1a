"""Fixtures for the inbox and the daily digest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.complaints.services import complaint_create
from tests.factories import code, make_case


@pytest.fixture
def complaint(org):
    """A staff complaint (a real Complaint row, so the registered services work)."""

    def _make(unit_key="A1", title="Överlämning mellan sektioner", **kwargs):
        kwargs.setdefault("complaint_type", code("complaint_type", "synpunkt"))
        kwargs.setdefault("description", "Rutinen för överlämning följs inte.")
        return complaint_create(
            source="personal",
            unit=org.units[unit_key],
            title=title,
            actor=org.users["staff_a1"],
            reporter=org.users["staff_a1"],
            **kwargs,
        ).complaint.case

    return _make


@pytest.fixture
def spread(org):
    """One open case per kind and unit, plus a closed one and a protected one."""

    def _make():
        now = timezone.now()
        made = {}
        for i, key in enumerate(["A1", "A2", "B1"]):
            for j, kind in enumerate(["complaint", "deviation", "lexsarah"]):
                made[(key, kind)] = make_case(
                    org.units[key],
                    kind,
                    title=f"{kind} i {key}",
                    received_at=now - timedelta(hours=3 * i + j + 1),
                )
        return made

    return _make
