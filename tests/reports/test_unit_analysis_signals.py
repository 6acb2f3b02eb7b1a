"""The unit analysis page lists the unit's signals and where its channels point at the same
problem (issue 17 points 4 and 5)."""

import pytest
from django.urls import reverse

from reports.analysis.models import UnitAnalysis
from reports.analysis.signals import analysis_signals
from tests.reports.edition_data import complaint, deviation, local
from tests.reports.spc_data import SHIFTED, plant
from tests.reports.unit_analysis_data import open_2025

pytestmark = pytest.mark.django_db


def test_unit_analysis_shows_signal_and_shared_problem(org, login):
    open_2025(org)  # 1 June 2024 – 31 May 2025: the window is June 2023 – May 2025
    a1 = org.units["A1"]
    plant(a1, "deviation", SHIFTED, "SPCU", start=(2023, 6))
    closed = local(2025, 3, 1)
    deviation(a1, local(2025, 2, 1), closed=closed, deficiencies=["bemotande"])
    complaint(a1, local(2025, 2, 2), topics=["bemotande"], closed=closed)
    analysis = UnitAnalysis.objects.get(unit=a1)
    page = (
        login(org.users["chef_a1"])
        .get(reverse("reports:analysis_detail", args=[analysis.pk]))
        .content.decode()
    )
    assert "Signaler och mönster" in page
    assert (
        "Antalet kvalitetsavvikelser inom Sektion A1 har ökat: 9 månader i följd över "
        "medianen sedan september 2024." in page
    )
    assert (
        "Inom Sektion A1 pekar kvalitetsavvikelser samt klagomål och synpunkter på samma "
        "område: bemötande." in page
    )
    assert "Visa värdena i diagrammet som tabell" in page


def test_sub_unit_with_own_analysis_is_left_out(org):
    open_2025(org)
    # A2's cases belong to Avdelning A's analysis; A1 has its own, so A's sees none of A1's.
    plant(org.units["A1"], "deviation", SHIFTED, "SPCX", start=(2023, 6))
    a = UnitAnalysis.objects.get(unit=org.units["A"])
    result = analysis_signals(a)
    assert result["sentences"] == [] and result["charts"] == []
    assert result["span"] == "juni 2023–maj 2025"
