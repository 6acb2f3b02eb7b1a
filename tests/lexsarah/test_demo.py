"""The demo seeder: five years, every status, about half to the AU, ~8 a year to IVO, fast and
idempotent."""

import io
import random
import time
from collections import Counter

import pytest
from django.utils import timezone

from cases.demo import seed_organisation
from cases.models import Case
from lexsarah.demo import seed
from lexsarah.models import AgendaItem, Investigation, IvoNotification, LexSarahReport
from lexsarah.workflow import LexSarahStatus

pytestmark = pytest.mark.django_db


def test_demo_lexsarah():
    users = seed_organisation()
    started = time.monotonic()
    seed(users=users, rng=random.Random(5), stdout=io.StringIO())
    assert time.monotonic() - started < 60
    cases = Case.objects.filter(kind="lexsarah")
    assert set(cases.values_list("status", flat=True)) == set(LexSarahStatus.values)
    per_year = Counter(c.received_at.year for c in cases)
    this_year = timezone.localdate().year
    assert sorted(per_year) == list(range(this_year - 4, this_year + 1))
    assert all(per_year[y] == 110 for y in range(this_year - 4, this_year))
    assert LexSarahReport.objects.count() == cases.count()
    full_years = cases.filter(received_at__year__lt=this_year)
    au_share = AgendaItem.objects.filter(
        investigation__reports__case__in=full_years).count() / full_years.count()
    assert 0.35 < au_share < 0.65
    ivo = IvoNotification.objects.filter(report__case__in=full_years).count()
    assert 30 <= ivo <= 45
    assert Investigation.objects.filter(reports__isnull=False).exists()
    assert any(i.reports.count() == 2 for i in Investigation.objects.all())
    now = timezone.now()
    assert not cases.filter(closed_at__gt=now).exists()
    assert cases.first().history.exists()
    seed(users=users, rng=random.Random(5), stdout=io.StringIO())  # idempotent
    assert Case.objects.filter(kind="lexsarah").count() == cases.count()
