"""The case tally (issue 16 point 3): PostgreSQL keeps it exact on every kind of write
(services, queryset updates, bulk inserts, deletes, TRUNCATE), and counting from it gives
exactly what counting every visible case gives — for every role, with grants, skyddad cases,
cases waiting for routing, reclassified deviations, and periods that do not start or end on
a month (a year cut at today, a Göteborg year, a 15 June start)."""

import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from guardian.shortcuts import assign_perm

from cases.complaints.models import Complaint
from cases.models import Case, Code, Measure, Role, Unit
from deviations import services as deviation_services
from reports.editions.blocks import BlockScope
from reports.editions.models import Period, year_ending
from reports.editions.selectors import countable
from reports.models import CaseFacts, CaseTally, CodeTally, CodeTallyPending
from reports.tally import DIMENSION_BITS, HAS_MEASURE, case_counts, live_counts, split_months
from tests.factories import UserFactory, make_case, make_unit, member
from tests.reports.edition_data import complaint, deviation, local

pytestmark = pytest.mark.django_db


def recounted() -> Counter:
    """The tally computed again in Python from every case (local months)."""
    rows: Counter = Counter()
    for c in Case.objects.values(
        "kind", "unit_id", "skyddad", "received_at", "closed_at", "complaint__source"
    ):
        for rule, moment in (("r", c["received_at"]), ("c", c["closed_at"])):
            if moment:
                month = timezone.localtime(moment).date().replace(day=1)
                key = (rule, month, c["kind"], c["complaint__source"] or "", c["unit_id"])
                rows[(*key, c["skyddad"])] += 1
    return rows


def tally() -> Counter:
    return Counter(
        {
            (t.rule, t.month, t.kind, t.variant, t.unit_id, t.skyddad): t.n
            for t in CaseTally.objects.exclude(n=0)
        }
    )


def assert_exact() -> None:
    assert tally() == recounted()
    assert stored_facts() == recomputed_facts()
    assert code_tally() == recounted_codes()


def test_the_tally_follows_every_kind_of_write(org):
    u, chef = org.units, org.users["chef_a1"]
    # 00:30 on 1 February in Stockholm is still 31 January in UTC: the local month counts.
    late = make_case(u["A1"], "deviation", received_at=local(2025, 2, 1, 0, 30))
    assert CaseTally.objects.get(rule="r", kind="deviation").month == date(2025, 2, 1)
    comp = complaint(u["A2"], local(2025, 3, 10), source="personal")
    assert_exact()
    assert CaseTally.objects.get(rule="r", kind="complaint", variant="personal").n == 1
    Complaint.objects.filter(case=comp).update(source="utomstaende")
    assert_exact()
    Case.objects.filter(pk=late.pk).update(closed_at=local(2025, 4, 2))
    Case.objects.filter(pk=comp.pk).update(unit=u["B1"], skyddad=True)
    assert_exact()
    Case.objects.filter(pk=late.pk).update(closed_at=None, status="mottagen")  # reopened
    Case.objects.filter(pk=late.pk).update(title="Bara rubriken ändras")  # not a key column
    assert_exact()
    Case.objects.bulk_create(
        [
            Case(
                kind="lexsarah",
                reference=f"BULK-{i}",
                unit=u["A1"],
                title="Import",
                status="inkommen",
                received_at=local(2024, 1 + i, 5),
            )
            for i in range(5)
        ]
    )
    assert_exact()
    staff = org.users["staff_a1"]
    reported = deviation_services.deviation_create(
        unit=u["A1"], actor=staff, reporter=staff, title="Fel i beslut", description="x"
    )
    deviation_services.deviation_receive(case=reported, actor=chef)
    deviation_services.deviation_reclassify(
        case=reported, target="lex_sarah", reason="Påtaglig risk för missförhållande", actor=chef
    )
    assert_exact()
    Case.objects.get(pk=comp.pk).delete()  # the complaint row first, then the case
    Case.objects.filter(reference__startswith="BULK-").delete()
    assert_exact()
    assert tally()  # what is left is still counted


def test_one_statement_updating_many_cases_keeps_every_table_exact(org):
    """A scripted move of many cases in one UPDATE (the triggers count old rows out and new
    rows in, reports 0013), with cases whose counted columns do not change among them."""
    u = org.units
    cases = [
        complaint(u["A1"], local(2025, 1 + i % 12, 3), ("personal", "utomstaende")[i % 2])
        if i % 3 == 0
        else deviation(u["A1" if i % 2 else "A2"], local(2025, 1 + i % 12, 5))
        for i in range(40)
    ]
    ids = [c.pk for c in cases]
    Case.objects.filter(pk__in=ids).update(unit=u["B1"])
    assert_exact()
    Case.objects.filter(pk__in=ids).update(title="Bara rubriken")  # nothing counted changes
    Case.objects.filter(pk__in=ids[::2]).update(closed_at=local(2025, 12, 20), skyddad=True)
    assert_exact()
    Complaint.objects.filter(case_id__in=ids).update(source="utomstaende")
    assert_exact()


def test_truncate_empties_it_and_the_command_repairs_and_checks_it(org, capsys):
    make_case(org.units["A1"], "deviation", received_at=local(2025, 5, 5))
    CaseTally.objects.update(n=7)
    CaseFacts.objects.update(codes=[1, 2, 3])
    CodeTally.objects.update(n=5)
    with pytest.raises(SystemExit):
        call_command("rebuild_case_tally", "--check")
    assert "skiljer sig" in capsys.readouterr().err
    call_command("rebuild_case_tally")
    assert_exact()
    call_command("rebuild_case_tally", "--check")
    assert "stämmer" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no foreign-key checks pending
        cursor.execute("TRUNCATE cases_case CASCADE")
    assert not CaseTally.objects.exists()
    assert not CaseFacts.objects.exists()
    assert not CodeTally.objects.exclude(n=0).exists()


def test_the_code_tally_alone_is_checked_and_repaired(org, capsys):
    deviation(org.units["A1"], local(2025, 5, 5), deficiencies=("bemotande",))
    CodeTally.objects.filter(what="c").update(n=3)
    with pytest.raises(SystemExit):
        call_command("rebuild_case_tally", "--check")
    call_command("rebuild_case_tally")
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reports_casefacts")
    assert not CodeTally.objects.exclude(n=0).exists()


def test_the_code_tally_follows_an_import_and_the_units_above(org):
    """The import's cases reach it after the commit (reports.bulk); a new unit sorted before
    its siblings (treebeard rewrites their paths) keeps every row; a unit moved under
    another parent takes its cases' counts along."""
    from cases.imports import import_cases_file
    from reports.catch_up import codetally_catch_up
    from tests.imports.conftest import case_file

    rows = [
        {
            "extern_referens": f"T-{i}",
            "enhet": ("A1", "A2", "B1")[i % 3],
            "inkom": f"2025-0{1 + i % 9}-1{i % 10}",
            "avslutad": f"2025-1{i % 3}-0{1 + i % 9}" if i % 2 else "",
            "rubrik": f"Ärende {i}",
            "atgarder": "information" if i % 2 else "",
            **(
                {"typ": "avvikelse", "brister": "dokumentation", "orsaker": "kunskap"}
                if i % 3
                else {"typ": "klagomal_utomstaende", "amnen": "bemotande"}
            ),
        }
        for i in range(30)
    ]
    result = import_cases_file(case_file(rows), "import.csv", user=org.users["quality"])
    assert result.created == 30
    # The marks wait for the Celery task that the import's commit enqueues (reports.bulk).
    assert CodeTallyPending.objects.count() == 30
    assert not CodeTally.objects.filter(what="c", n__gt=0).exists()
    assert codetally_catch_up() == 30
    assert CodeTally.objects.filter(what="c", n__gt=0).exists()
    assert_exact()
    make_unit("A0", "A0 först i bokstavsordningen", parent=org.units["A"])
    assert Unit.objects.get(pk=org.units["A1"].pk).path != org.units["A1"].path
    assert_exact()
    moved, target = Unit.objects.get(pk=org.units["A2"].pk), Unit.objects.get(code="B")
    Unit.objects.move(moved, target, "sorted-child")
    assert Unit.objects.get(pk=moved.pk).path.startswith(target.path)
    assert_exact()


def _bulk_write() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('reports.bulk_write', true)")
        return cursor.fetchone()[0] or ""


def _import_rows(prefix: str, n: int) -> list[dict]:
    return [
        {
            "typ": "avvikelse",
            "extern_referens": f"{prefix}-{i}",
            "enhet": ("A1", "B1")[i % 2],
            "inkom": f"2025-0{1 + i % 9}-1{i % 10}",
            "avslutad": "2025-11-03" if i % 2 else "",
            "rubrik": f"Ärende {i}",
            "brister": "dokumentation",
            "atgarder": "information" if i % 3 else "",
        }
        for i in range(n)
    ]


def test_an_import_counts_its_cases_once_and_leaves_the_triggers_on(org):
    """The import computes its cases' facts once at the end (reports.bulk); afterwards the
    triggers count ordinary writes again, and the import's cases are not counted twice."""
    from cases.imports import import_cases_file
    from reports.catch_up import codetally_catch_up
    from tests.imports.conftest import case_file

    before = deviation(org.units["A1"], local(2025, 5, 5), deficiencies=("bemotande",))
    result = import_cases_file(case_file(_import_rows("E", 12)), "e.csv", user=org.users["quality"])
    assert result.created == 12
    assert _bulk_write() != "on"
    assert CaseFacts.objects.filter(case__external_reference__startswith="E-").count() == 12
    assert sum(n for (rule, *_rest), n in tally().items() if rule == "r") == 13
    # Writes before the task has run: to an imported case (its marks move when the task adds
    # them, as they are then) and to others (counted by the triggers at once).
    imported = Case.objects.filter(external_reference="E-0").get()
    Case.objects.filter(pk=imported.pk).update(closed_at=local(2025, 12, 1), unit=org.units["B1"])
    Case.objects.filter(pk=before.pk).update(closed_at=local(2025, 6, 1))
    deviation(org.units["B1"], local(2025, 7, 7), deficiencies=("dokumentation",))
    Case.objects.filter(external_reference="E-1").delete()
    assert codetally_catch_up() == 12
    assert_exact()


def test_a_failed_import_leaves_nothing_counted_and_the_triggers_on(org):
    """A write that fails after the statistics stood aside rolls back with the setting."""
    from cases import registry
    from cases.imports import import_cases_file
    from tests.imports.conftest import case_file

    def fail(case_ids):
        raise RuntimeError("disk full")

    registry.register_bulk_write_hook(registry.BulkWriteHook("test.fail", lambda: None, fail))
    try:
        with pytest.raises(RuntimeError):
            import_cases_file(case_file(_import_rows("F", 5)), "f.csv", user=org.users["quality"])
    finally:
        registry.EXTENSIONS.bulk_write_hooks.pop("test.fail")
    assert not Case.objects.filter(external_reference__startswith="F-").exists()
    assert _bulk_write() != "on"
    deviation(org.units["A1"], local(2025, 5, 5), deficiencies=("bemotande",))
    assert CaseFacts.objects.count() == 1
    assert_exact()


TOPICS = ("bemotande", "information")
EVENTS = (None, "dokumentation", "bemotande")
DEFICIENCIES = ("dokumentation", "bemotande")
CAUSES = ("kunskap",)


@pytest.fixture
def spread(org):
    """Cases in every month of 2020–2026 around the edges the periods cut at, in every unit,
    some skyddad, some closed the month after, a complaint of each source, a reclassified
    deviation, and complaints waiting for routing on avdelning A."""
    global MEASURES
    MEASURES = [None, *Code.objects.filter(codelist="measure_type").order_by("pk")[:1]]
    u = org.units
    units = [u["A1"], u["A2"], u["B1"], u["A"]]
    n = 0
    for year in range(2020, 2027):
        for month in range(1, 13):
            for day in (1, 14, 15, 28):
                unit = units[n % len(units)]
                received = local(year, month, day, 23 if day == 28 else 9, 30)
                closed = received + timedelta(days=20) if n % 3 else None
                if n % 4 == 0:
                    source = ("personal", "utomstaende")[n % 8 == 0]
                    complaint(unit, received, source, TOPICS[: n % 3], closed)
                elif n % 4 == 1:
                    case = deviation(
                        unit,
                        received,
                        closed,
                        EVENTS[n % 3],
                        DEFICIENCIES[: n % 3],
                        CAUSES[: n % 2],
                    )
                    if n % 9 == 1:
                        Case.objects.filter(pk=case.pk).update(skyddad=True)
                    for i in range(n % 3):
                        Measure.objects.create(
                            case=case, description="Åtgärd", measure_type=MEASURES[i]
                        )
                else:
                    make_case(unit, "lexsarah", received_at=received)
                n += 1
    staff, chef = org.users["staff_a1"], org.users["chef_a1"]
    moved = deviation_services.deviation_create(
        unit=u["A1"], actor=staff, reporter=staff, title="Fel i beslut", description="x"
    )
    Case.objects.filter(pk=moved.pk).update(received_at=local(2025, 3, 3))
    deviation_services.deviation_receive(case=Case.objects.get(pk=moved.pk), actor=chef)
    deviation_services.deviation_reclassify(
        case=Case.objects.get(pk=moved.pk), target="lex_sarah", reason="Risk", actor=chef
    )
    return org


def _users(org) -> dict:
    users = dict(org.users)
    registrator = UserFactory(username="registrator")
    member(registrator, org.units["ASF"], Role.REGISTRATOR)
    users["registrator"] = registrator
    granted = UserFactory(username="granted")
    member(granted, org.units["B1"], Role.SEKTIONSCHEF)
    for case in Case.objects.filter(unit=org.units["A1"]).order_by("pk")[:12]:
        assign_perm("cases.view_case", granted, case)
    for case in Case.objects.filter(skyddad=True).order_by("pk")[:3]:
        assign_perm("cases.view_case", granted, case)
    users["granted"] = granted
    return users


PERIODS = {
    "calendar": ((1, 1), None),
    "cut_at_today": ((1, 1), date(2026, 11, 16)),
    "goteborg": ((9, 1), None),
    "mid_june": ((6, 15), None),
}


@pytest.mark.parametrize("period", PERIODS)
def test_counting_from_the_tally_equals_counting_every_visible_case(spread, period):
    start, as_of = PERIODS[period]
    checked = 0
    for name, user in _users(spread).items():
        cases, parts = countable(user)
        for unit in ("ASF", "A", "B1"):
            scope = BlockScope(
                unit=spread.units[unit],
                year=2026 if as_of else 2025,
                cases=cases,
                parts=parts,
                period_start=start,
                as_of=as_of,
            )
            buckets = {y: scope.period_for(y) for y in range(scope.year - 5, scope.year + 1)}
            months = _months_of(scope.period_for(scope.year))
            for rule in ("received", "closed"):
                for wanted in (buckets, months):
                    expected = live_counts(scope.counted_cases, rule, list(wanted.items()))
                    got = +case_counts(scope, rule, wanted)
                    assert got == +expected, (name, unit, rule)
                    checked += sum(expected.values())
    assert checked > 1000  # the comparisons counted real cases, not empty sets


def _months_of(period: Period) -> dict:
    buckets, start = {}, period.start
    while start < period.end:
        end = min(period.end, date(start.year + start.month // 12, start.month % 12 + 1, 1))
        buckets[start] = Period(start, end)
        start = end
    return buckets


def test_a_period_splits_into_whole_months_and_its_edges():
    assert split_months(year_ending(2025, 1, 1)) == (Period(date(2025, 1, 1), date(2026, 1, 1)), [])
    whole, edges = split_months(Period(date(2025, 6, 15), date(2026, 6, 15)))
    assert whole == Period(date(2025, 7, 1), date(2026, 6, 1))
    assert edges == [
        Period(date(2025, 6, 15), date(2025, 7, 1)),
        Period(date(2026, 6, 1), date(2026, 6, 15)),
    ]
    assert split_months(Period(date(2025, 3, 3), date(2025, 3, 20))) == (
        None,
        [Period(date(2025, 3, 3), date(2025, 3, 20))],
    )


def _case_rows_read() -> int:
    """Case rows this transaction has read so far (sequential scans and index entries),
    from PostgreSQL's own per-transaction counters."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_returned('cases_case'::regclass) + COALESCE(("
            "SELECT SUM(pg_stat_get_xact_tuples_returned(indexrelid)) FROM pg_index "
            "WHERE indrelid = 'cases_case'::regclass), 0)"
        )
        return int(cursor.fetchone()[0])


def test_the_statistics_pages_reading_does_not_grow_with_older_years(spread, login, client):
    """The five-year trends come from the tally: 400 more cases in 2023 make the page read
    hardly more case rows (counted live, each would be read at least once). The planner is
    told to prefer indexes, as it does by itself at a förvaltning's size."""
    login(spread.users["quality"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")

    def rows_read_by_page() -> int:
        before = _case_rows_read()
        response = client.get(
            "/rapporter/statistik/",
            {"unit": spread.units["ASF"].pk, "year": 2025, "period_start_month": 1},
        )
        assert response.status_code == 200
        return _case_rows_read() - before

    for i in range(400):
        make_case(spread.units["A1"], "deviation", received_at=local(2022, 1 + i % 12, 10))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's estimates as at a förvaltning's size
    first = rows_read_by_page()
    for i in range(400):
        make_case(spread.units["A2"], "deviation", received_at=local(2023, 1 + i % 12, 10))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    grown = rows_read_by_page() - first
    print("case rows read", first, "grown", grown)
    assert grown < 40


def test_received_at_moves_the_case_between_months_in_local_time(org):
    case = make_case(org.units["A1"], "complaint", received_at=local(2025, 12, 31, 23, 30))
    assert set(CaseTally.objects.filter(n__gt=0).values_list("month", flat=True)) == {
        date(2025, 12, 1)
    }
    Case.objects.filter(pk=case.pk).update(
        received_at=datetime(2026, 1, 1, 0, 30, tzinfo=timezone.get_default_timezone())
    )
    assert set(CaseTally.objects.filter(n__gt=0).values_list("month", flat=True)) == {
        date(2026, 1, 1)
    }


def recomputed_facts() -> dict:
    """Every case's facts computed again with the ORM."""
    from cases.models import Measure
    from deviations.models import Deviation

    facts = {}

    def mark(row, codes, dimension):
        row["codes"] += [c for c in codes if c]
        if any(codes):
            row["marked"] |= DIMENSION_BITS[dimension]

    for c in Case.objects.values(
        "pk", "kind", "unit_id", "skyddad", "received_at", "closed_at", "event_category_id"
    ):
        event = c.pop("event_category_id")
        facts[c["pk"]] = {**c, "variant": "", "codes": [], "marked": 0, "measure_types": []}
        mark(facts[c["pk"]], [event], "event_category")
    for comp in Complaint.objects.prefetch_related("topics"):
        row = facts[comp.case_id]
        row["variant"] = comp.source
        mark(row, [t.pk for t in comp.topics.all()], "complaint_topic")
        mark(row, [comp.complaint_type_id], "complaint_type")
        mark(row, [comp.sender_category_id], "sender_category")
    for dev in Deviation.objects.prefetch_related("deficiencies", "root_causes"):
        row = facts[dev.case_id]
        mark(row, [d.pk for d in dev.deficiencies.all()], "deficiency")
        mark(row, [r.pk for r in dev.root_causes.all()], "root_cause")
        mark(row, [dev.consequence_id], "consequence")
    for m in Measure.objects.order_by("pk"):
        facts[m.case_id]["measure_types"].append(m.measure_type_id)
    for row in facts.values():
        row["codes"] = sorted(row["codes"])
    return facts


def stored_facts() -> dict:
    from reports.models import CaseFacts

    return {
        f["case_id"]: {
            "pk": f["case_id"],
            **{k: v for k, v in f.items() if k != "case_id"},
            "codes": sorted(f["codes"]),
        }
        for f in CaseFacts.objects.values(
            "case_id",
            "kind",
            "unit_id",
            "skyddad",
            "received_at",
            "closed_at",
            "variant",
            "codes",
            "marked",
            "measure_types",
        )
    }


def code_tally() -> Counter:
    return Counter(
        {
            (t.rule, t.kind, t.subtree_id, t.month, t.variant, t.skyddad, t.what, t.code): t.n
            for t in CodeTally.objects.exclude(n=0)
        }
    )


def recounted_codes() -> Counter:
    """The code tally computed again in Python from the facts recomputed with the ORM: each
    case's marks in the local month of each date, for its unit and every unit above it."""
    paths = dict(Unit.objects.values_list("pk", "path"))
    by_path = {path: pk for pk, path in paths.items()}
    rows: Counter = Counter()
    for f in recomputed_facts().values():
        path = paths[f["unit_id"]]
        above = [by_path[path[:i]] for i in range(Unit.steplen, len(path) + 1, Unit.steplen)]
        has_measure = HAS_MEASURE if f["measure_types"] else 0
        marks = [("s", f["marked"] | has_measure)] + [("c", c) for c in f["codes"]]
        marks += [("m", t or 0) for t in f["measure_types"]]
        for rule, moment in (("r", f["received_at"]), ("c", f["closed_at"])):
            if not moment:
                continue
            month = timezone.localtime(moment).date().replace(day=1)
            for unit in above:
                for what, code_ in marks:
                    key = (rule, f["kind"], unit, month, f["variant"], f["skyddad"], what, code_)
                    rows[key] += 1
    return rows


def test_the_facts_follow_every_kind_of_write(org):
    from cases.models import CodeList, Measure
    from deviations.models import Deviation
    from tests.factories import code

    u = org.units
    dev = deviation(u["A1"], local(2025, 3, 3), deficiencies=("bemotande",), causes=())
    comp = complaint(u["A2"], local(2025, 4, 4), topics=("bemotande",))
    assert_exact()
    deviation_row = Deviation.objects.get(case=dev)
    deviation_row.deficiencies.add(code(CodeList.DEFICIENCY, "dokumentation"))
    deviation_row.root_causes.set([code(CodeList.ROOT_CAUSE, "kunskap")])
    Deviation.objects.filter(case=dev).update(consequence=code(CodeList.CONSEQUENCE, "ingen"))
    Complaint.objects.filter(case=comp).update(source="personal")
    Complaint.objects.get(case=comp).topics.clear()
    assert_exact()
    Measure.objects.create(case=dev, description="Ny rutin")
    Measure.objects.create(
        case=dev,
        description="Utbildning",
        measure_type=Code.objects.filter(codelist=CodeList.MEASURE_TYPE).first(),
    )
    Case.objects.filter(pk=dev.pk).update(
        closed_at=local(2025, 5, 5), event_category=code(CodeList.EVENT_CATEGORY, "bemotande")
    )
    Case.objects.filter(pk=comp.pk).update(unit=u["B1"], skyddad=True)
    assert_exact()
    Measure.objects.filter(case=dev).first().delete()
    Case.objects.get(pk=comp.pk).delete()
    assert_exact()
    assert stored_facts()[dev.pk]["codes"]  # what is left still carries its marks


@pytest.mark.parametrize("period", PERIODS)
def test_distributions_from_the_facts_equal_joining_every_code_table(spread, period):
    assert _distributions_agree(spread, period) > 50  # codes counted, not only empty sets


def _distributions_agree(spread, period: str) -> int:
    """Every role's distributions from the code tally and the facts equal those from joining
    every code table; returns how many deficiency marks were compared."""
    from reports.editions.blocks.cases import _distribution_query

    start, as_of = PERIODS[period]
    wanted = {
        "event_category",
        "deficiency",
        "root_cause",
        "consequence",
        "complaint_topic",
        "complaint_type",
        "sender_category",
        "measure_type",
    }
    checked = 0
    for name, user in _users(spread).items():
        cases, parts = countable(user)
        for unit in ("ASF", "A"):
            kw = dict(
                unit=spread.units[unit],
                year=2026 if as_of else 2025,
                cases=cases,
                period_start=start,
                as_of=as_of,
            )
            fast, slow = BlockScope(parts=parts, **kw), BlockScope(**kw)
            period_ = fast.period_for(fast.year)
            for params in (
                {"kind": "deviation"},
                {"kind": "complaint", "source": "utomstaende"},
                {"kind": "complaint"},
                {"kind": "lexsarah"},
            ):
                for rule in ("received", "closed"):
                    got = _distribution_query(fast, params, rule, period_, wanted)
                    expected = _distribution_query(slow, params, rule, period_, wanted)
                    assert got == expected, (name, unit, params, rule)
                    checked += sum(got.get("deficiency", {}).values())
    return checked


def _pending_import(org, prefix: str, n: int) -> list[int]:
    """Imported deviations of 2025 with codes and measures; their marks wait for the task."""
    from cases.imports import import_cases_file
    from tests.imports.conftest import case_file

    rows = _import_rows(prefix, n)
    for i, row in enumerate(rows):
        row["enhet"] = ("A1", "A2", "B1")[i % 3]
        row["orsaker"] = "kunskap" if i % 2 else ""
    result = import_cases_file(case_file(rows), f"{prefix}.csv", user=org.users["quality"])
    assert result.created == n
    ids = list(
        Case.objects.filter(external_reference__startswith=f"{prefix}-").values_list(
            "pk", flat=True
        )
    )
    assert set(CodeTallyPending.objects.values_list("case_id", flat=True)) == set(ids)
    return ids


@pytest.mark.parametrize("period", ["calendar", "mid_june"])
def test_an_imports_cases_are_counted_before_and_after_the_task_adds_their_marks(spread, period):
    """Until the Celery task has added an import's marks to the code tally, the statistics
    count those cases from their facts: every distribution is the same before and after, a
    reclassified one among them (it counts once, under lex Sarah)."""
    from reports.catch_up import codetally_catch_up

    before = _distributions_agree(spread, period)
    ids = _pending_import(spread, "P", 24)
    chef = spread.users["chef_a1"]
    in_a1 = Case.objects.filter(pk__in=ids, unit=spread.units["A1"], closed_at__isnull=True)
    moved = in_a1.first()
    deviation_services.deviation_receive(case=moved, actor=chef)
    deviation_services.deviation_reclassify(
        case=Case.objects.get(pk=moved.pk), target="lex_sarah", reason="Risk", actor=chef
    )
    with_pending = _distributions_agree(spread, period)
    assert with_pending > before  # the imported cases' deficiencies are in the figures
    assert codetally_catch_up() == 24
    assert not CodeTallyPending.objects.exists()
    assert _distributions_agree(spread, period) == with_pending
    assert_exact()


# --- The catch-up beside service writes (real PostgreSQL row locks, two connections) -----------


def _imported_and_committed(org, prefix: str) -> int:
    from cases.imports import import_cases_file
    from tests.imports.conftest import case_file

    result = import_cases_file(
        case_file(_import_rows(prefix, 6)), "c.csv", user=org.users["quality"]
    )
    assert result.created == 6 and CodeTallyPending.objects.count() == 6
    return Case.objects.get(external_reference=f"{prefix}-0").pk


def _in_thread(work) -> threading.Thread:
    def run():
        try:
            work()
        except BaseException as exc:  # shown by the test that waits for it
            import traceback

            traceback.print_exc()
            raise exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_a_lock_wait() -> None:
    """Until another connection of this database waits for a row lock (at most 10 s)."""
    for _ in range(200):
        with connection.cursor() as cursor:
            # Inside a transaction the statistics views keep their first reading.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("no connection waited for a lock")


@pytest.mark.django_db(transaction=True)
def test_the_catch_up_waits_for_a_write_to_a_pending_case_and_adds_its_new_facts(org):
    from django.db import transaction

    from reports.catch_up import codetally_catch_up

    target = _imported_and_committed(org, "W")
    written, release = threading.Event(), threading.Event()

    def writer():
        with transaction.atomic():
            Case.objects.filter(pk=target).update(closed_at=local(2025, 12, 1))
            written.set()
            release.wait(10)

    added = []
    write = _in_thread(writer)
    assert written.wait(10)
    catch_up = _in_thread(lambda: added.append(codetally_catch_up()))
    _wait_for_a_lock_wait()  # the catch-up waits for the writer's row lock
    release.set()
    write.join(10)
    catch_up.join(10)
    assert added == [6]
    assert_exact()


@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_case_being_caught_up_waits_and_then_moves_its_marks(org):
    from django.db import transaction

    target = _imported_and_committed(org, "V")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT reports_codetally_catch_up(100)")
            assert cursor.fetchone()[0] == 6
        write = _in_thread(
            lambda: Case.objects.filter(pk=target).update(
                closed_at=local(2025, 12, 1), unit=org.units["B1"]
            )
        )
        _wait_for_a_lock_wait()  # the write waits for the catch-up's commit
    write.join(10)
    assert not write.is_alive()
    assert_exact()


def test_the_imports_commit_enqueues_the_task_that_adds_its_marks(
    org, django_capture_on_commit_callbacks
):
    from cases.imports import import_cases_file
    from config.celery import app
    from tests.imports.conftest import case_file

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = import_cases_file(
                case_file(_import_rows("Q", 9)), "q.csv", user=org.users["quality"]
            )
    finally:
        app.conf.task_always_eager = previous
    assert result.created == 9 and callbacks
    assert not CodeTallyPending.objects.exists()
    assert CodeTally.objects.filter(what="c", n__gt=0).exists()
    assert_exact()


def test_the_catch_up_runs_with_the_short_tasks_and_every_five_minutes():
    from config.celery import app

    name = "reports.tasks.catch_up_code_tally"
    # Not behind the one-at-a-time report compiles of the "pdf" queue.
    assert app.amqp.router.route({}, name)["queue"].name == "celery"
    assert app.amqp.router.route({}, "reports.tasks.compile_edition")["queue"].name == "pdf"
    assert any(
        entry["task"] == name and entry["schedule"] <= 300
        for entry in app.conf.beat_schedule.values()
    )
