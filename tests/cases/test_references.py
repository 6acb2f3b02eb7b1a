"""Reference numbers: per type and year, gap-free, unique under concurrent creation."""

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from cases.models import Case
from cases.services.cases import case_create
from tests.factories import UserFactory, make_unit

STHLM = ZoneInfo("Europe/Stockholm")


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creations_give_gap_free_numbers(org):
    unit = org.units["A1"]
    actor = org.users["chef_a1"]
    errors: list[BaseException] = []
    barrier = threading.Barrier(10)

    def worker(n: int):
        try:
            barrier.wait()
            for i in range(5):
                case_create(kind="deviation", unit=unit, title=f"Tråd {n} nr {i}", actor=actor)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    refs = list(Case.objects.filter(kind="deviation").values_list("reference", flat=True))
    year = datetime.now(STHLM).year
    assert len(refs) == 50
    assert sorted(refs) == [f"AV-{year}-{n:04d}" for n in range(1, 51)]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_creation_leaves_no_gap(org):
    unit, actor = org.units["A1"], org.users["chef_a1"]
    first = case_create(kind="complaint", unit=unit, title="Ett", actor=actor)
    with pytest.raises(RuntimeError), transaction.atomic():
        case_create(kind="complaint", unit=unit, title="Rullas tillbaka", actor=actor)
        raise RuntimeError("avbryt")
    second = case_create(kind="complaint", unit=unit, title="Två", actor=actor)
    assert int(second.reference.rsplit("-", 1)[1]) == int(first.reference.rsplit("-", 1)[1]) + 1


@pytest.mark.django_db
def test_numbers_are_per_type_and_year_by_received_date():
    unit = make_unit("X", "X", kind_code="forvaltning")
    actor = UserFactory()
    late_2024 = datetime(2024, 12, 31, 23, 30, tzinfo=STHLM)
    early_2025 = datetime(2025, 1, 1, 0, 15, tzinfo=STHLM)
    a = case_create(kind="deviation", unit=unit, title="a", actor=actor, received_at=late_2024)
    b = case_create(kind="deviation", unit=unit, title="b", actor=actor, received_at=early_2025)
    c = case_create(kind="complaint", unit=unit, title="c", actor=actor, received_at=early_2025)
    assert (a.reference, b.reference, c.reference) == (
        "AV-2024-0001",
        "AV-2025-0001",
        "KS-2025-0001",
    )
