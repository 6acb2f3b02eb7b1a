from datetime import date

import pytest


@pytest.fixture
def backdated(org):
    """Memberships valid since 2020, so tests can move the clock to a fixed past date."""
    from cases.models import Membership

    Membership.objects.update(valid_from=date(2020, 1, 1))
    return org
