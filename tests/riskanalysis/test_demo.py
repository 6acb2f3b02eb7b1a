"""seed_demo parts for riskanalys and egenkontroll: five years per avdelning, idempotent."""

import io
import random

import pytest

from cases.demo import seed_organisation
from riskanalysis import demo as risk_demo
from riskanalysis import selectors as risk_selectors
from riskanalysis.models import RiskAnalysis
from selfcontrol import demo as sc_demo
from selfcontrol import selectors as sc_selectors
from selfcontrol.models import SelfControlPlan, SelfControlRun

pytestmark = pytest.mark.django_db


def _counts():
    return (
        RiskAnalysis.objects.count(),
        SelfControlPlan.objects.count(),
        SelfControlRun.objects.count(),
        SelfControlRun.objects.filter(status="klar").count(),
    )


def test_demo_covers_every_avdelning_and_year_and_is_idempotent():
    users = seed_organisation()
    risk_demo.seed(users=users, rng=random.Random(2025), stdout=io.StringIO())
    sc_demo.seed(users=users, rng=random.Random(2025), stdout=io.StringIO())
    first = _counts()
    risk_demo.seed(users=users, rng=random.Random(7), stdout=io.StringIO())
    sc_demo.seed(users=users, rng=random.Random(7), stdout=io.StringIO())
    assert _counts() == first

    years = set(RiskAnalysis.objects.values_list("analysed_on__year", flat=True))
    assert years == set(range(2021, 2027))
    for avd in ("UTR", "INS", "EKB", "BTS", "ARB"):
        assert RiskAnalysis.objects.filter(units__path__startswith=_path(avd)).exists(), avd
        assert SelfControlPlan.objects.filter(
            responsible_unit__path__startswith=_path(avd)
        ).exists(), avd
    assert set(SelfControlRun.objects.values_list("period_start__year", flat=True)) == set(
        range(2021, 2027)
    )
    assert SelfControlRun.objects.filter(result="brister").exists()
    # The chef of UTR-BU-1 sees the unit's loggkontroll and has overdue items to act on.
    quality = users["kvalitet"]
    assert sc_selectors.overdue_items_for(quality)
    assert risk_selectors.overdue_items_for(quality)
    assert SelfControlRun.objects.filter(plan__method__code="loggkontroll", status="klar").exists()


def _path(code):
    from cases.models import Unit

    return Unit.objects.get(code=code).path
