"""seed_demo parts for tillsyn and utvecklingsområden: Malmö-like volume, idempotent."""

import io
import random

import pytest

from cases.demo import seed_organisation
from cases.models import Unit
from cases.supervision import demo as demo_supervision
from cases.supervision.models import Supervision, SupervisionDecision, SupervisionMeasure
from cases.supervision.selectors import supervision_counts_for_year
from reports import demo as reports_demo
from reports.models import DevelopmentArea
from reports.selectors import development_areas_decided, development_areas_followed_up

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Supervision.objects.count(),
        SupervisionDecision.objects.count(),
        SupervisionMeasure.objects.count(),
        DevelopmentArea.objects.count(),
    )


def test_demo_has_malmo_like_volume_and_is_idempotent():
    users = seed_organisation()
    demo_supervision.seed(users=users, rng=random.Random(2025), stdout=io.StringIO())
    reports_demo.seed(users=users, rng=random.Random(2025), stdout=io.StringIO())
    first = _counts()
    demo_supervision.seed(users=users, rng=random.Random(7), stdout=io.StringIO())
    reports_demo.seed(users=users, rng=random.Random(7), stdout=io.StringIO())
    assert _counts() == first

    c2025 = supervision_counts_for_year(year=2025)
    ivo = c2025.for_authority("ivo")
    assert 18 <= ivo.cases <= 22 and ivo.decisions > ivo.cases
    hvb = c2025.row("ivo", "hvb")
    assert hvb.cases == 11 and 13 <= hvb.decisions <= 16
    assert c2025.for_authority("jo").cases >= 1 and c2025.for_authority("jk").cases == 1
    # About half of the HVB decisions come from supervisions initiated the year before.
    early = SupervisionDecision.objects.filter(
        decided_on__year=2025,
        supervision__supervision_type__code="hvb",
        supervision__initiated_on__year=2024,
    )
    assert early.exists()
    for year in range(2022, 2027):
        assert supervision_counts_for_year(year=year).cases >= 15, year
    assert Supervision.objects.filter(status=Supervision.Status.CLOSED).exists()
    assert Supervision.objects.exclude(status=Supervision.Status.CLOSED).exists()
    national = Supervision.objects.get(
        supervision_type__code="myndighetsutovning", initiated_on__year=2024
    )
    assert (str(national.preparation_on), str(national.committee_on), str(national.board_on)) == (
        "2025-12-30",
        "2026-01-08",
        "2026-01-23",
    )

    asf = Unit.objects.get(code="ASF")
    decided_2024 = list(development_areas_decided(asf, 2024))
    assert [a.title[:31] for a in decided_2024] == ["Öka användningen av egenkontrol"]
    assert list(development_areas_followed_up(asf, 2025)) == decided_2024
    assert decided_2024[0].status == DevelopmentArea.Status.ONGOING
    assert development_areas_decided(asf, 2025).count() == 2
