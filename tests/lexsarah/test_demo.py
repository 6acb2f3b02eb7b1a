"""The demo seeder: five years, every status, about half to the AU, ~8 a year to IVO, fast and
idempotent."""

import io
import random
from collections import Counter

import pytest
from django.utils import timezone

from cases.demo import seed_organisation
from cases.models import Case
from lexsarah.demo import IMPORT_FILE, seed
from lexsarah.models import AgendaItem, AUMeeting, Investigation, IvoNotification, LexSarahReport
from lexsarah.workflow import LexSarahStatus
from reports.editions.blocks.lexsarah import au_date

pytestmark = pytest.mark.django_db


def test_demo_lexsarah():
    users = seed_organisation()
    seed(users=users, rng=random.Random(5), stdout=io.StringIO())
    cases = Case.objects.filter(kind="lexsarah")
    assert set(cases.values_list("status", flat=True)) == set(LexSarahStatus.values)
    per_year = Counter(c.received_at.year for c in cases)
    this_year = timezone.localdate().year
    assert sorted(per_year) == list(range(this_year - 4, this_year + 1))
    assert all(per_year[y] == 110 for y in range(this_year - 4, this_year))
    assert LexSarahReport.objects.count() == cases.count()
    full_years = cases.filter(received_at__year__lt=this_year)
    # Handled by the AU as the yearly report counts it: the AU date the import brought for
    # the years before the move, the meeting of the agenda item since.
    au_share = (
        full_years.annotate(au_on=au_date()).filter(au_on__isnull=False).count()
        / full_years.count()
    )
    assert 0.35 < au_share < 0.65
    ivo = IvoNotification.objects.filter(report__case__in=full_years).count()
    assert 30 <= ivo <= 45
    # The imported closed reports carry the event category the investigator recorded, so the
    # report's "Mönster i lex Sarah" counts categories, not only "Ej angivet".
    imported_closed = full_years.filter(closed_at__isnull=False, external_reference__gt="")
    categories = Counter(imported_closed.values_list("event_category__code", flat=True))
    assert None not in categories and len(categories) >= 5
    assert full_years.filter(imported_from=IMPORT_FILE).exists()
    # Since the move (half a year ago) the AU meets in Avvika: decided agenda items month by
    # month, the next meeting's agenda still open, and the chair's urgent path once.
    assert AUMeeting.objects.filter(items__decided_at__isnull=False).distinct().count() >= 4
    assert AgendaItem.objects.filter(
        decided_at__isnull=True, meeting__held_on__gte=timezone.localdate()
    ).exists()
    assert IvoNotification.objects.filter(path="ordforande").exists()
    assert IvoNotification.objects.filter(
        path="au", sent_on__isnull=False, report__case__imported_from=""
    ).exists()
    assert Investigation.objects.filter(reports__isnull=False).exists()
    assert any(i.reports.count() == 2 for i in Investigation.objects.all())
    now = timezone.now()
    assert not cases.filter(closed_at__gt=now).exists()
    # Every step since the move through the services, with its user and reason, in order.
    for case in cases.filter(imported_from="", status=LexSarahStatus.CLOSED)[:20]:
        rows = list(case.history.order_by("history_date", "history_id"))
        assert rows[0].history_change_reason == "Lex Sarah-rapport registrerades"
        assert rows[-1].status == LexSarahStatus.CLOSED and rows[-1].history_date == case.closed_at
        assert all(r.history_user is not None and r.history_change_reason for r in rows)
    seed(users=users, rng=random.Random(5), stdout=io.StringIO())  # idempotent
    assert Case.objects.filter(kind="lexsarah").count() == cases.count()
