"""Fixtures for kvalitetsavvikelser."""

import pytest

from deviations.services import deviation_create


@pytest.fixture
def report(org):
    """A deviation reported by staff_a1 in Sektion A1 (or another unit)."""

    def _make(unit_key="A1", **kwargs):
        kwargs.setdefault("title", "Beslut skickades inte ut")
        kwargs.setdefault("description", "Beslutet registrerades men skickades aldrig.")
        staff = org.users["staff_a1"]
        return deviation_create(unit=org.units[unit_key], actor=staff, reporter=staff, **kwargs)

    return _make
