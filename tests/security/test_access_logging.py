"""Every read of case data is logged (issue 15, Found 5 / Deliver 5): the access log references
any audited object, AU meeting pages log each case shown, supervision and reporter status pages
are logged, list pages write one row per view (a constant number of queries) with the ids
shown, and loggkontroll and the egenkontroll sample show the new rows readably.

Each page test counts rows written by that one request, so it fails on code that does not log
the page (before issue 15 none of these pages wrote a row)."""

import importlib
from datetime import date, datetime

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import AccessAction, AccessLog, Case
from cases.services.access import (
    access_log_record_case_list,
    access_log_record_object,
    covering_unit_id,
)
from cases.supervision.models import Supervision
from lexsarah.models import AUMeeting
from riskanalysis.models import RiskAnalysis
from riskanalysis.services import analysis_create_from_cases
from selfcontrol import services as sc
from selfcontrol.models import SelfControlRun
from tests.factories import make_case
from tests.security.world import STHLM

pytestmark = pytest.mark.django_db

CASE = "cases.case"


def _new_rows(get):
    """The access-log rows one request writes."""
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = get()
    assert response.status_code == 200, response.status_code
    return list(AccessLog.objects.filter(id__gt=before).order_by("id")), response


def _ids(row, label=CASE):
    return [pair[0] for pair in row.shown.get(label, [])]


# --- the core: generic reference, covering unit, constant queries ------------------------------


def test_covering_unit_is_the_smallest_subtree_over_all_units(org):
    u = org.units
    assert covering_unit_id([u["A1"].pk]) == u["A1"].pk
    assert covering_unit_id([u["A1"].pk, u["A1"].pk, None]) == u["A1"].pk
    assert covering_unit_id([u["A1"].pk, u["A2"].pk]) == u["A"].pk
    assert covering_unit_id([u["A1"].pk, u["A"].pk]) == u["A"].pk
    assert covering_unit_id([u["A1"].pk, u["B1"].pk]) == u["ASF"].pk
    assert covering_unit_id([]) is None


@pytest.mark.parametrize(
    "names",
    [("A1",), ("A1", "A1"), ("A1", "A2"), ("A1", "A"), ("A1", "B1"), ("B1", "A2", "A1")],
)
def test_a_case_list_with_loaded_units_logs_the_same_covering_unit(org, names):
    """The inbox's rows carry their units; the list row's covering unit is then read from
    their paths, and must be the unit the general query finds."""
    user = org.users["quality"]
    made = [make_case(org.units[name]) for name in names]
    cases = list(Case.objects.filter(pk__in=[c.pk for c in made]).select_related("unit"))
    row = access_log_record_case_list(user=user, cases=cases, detail="test")
    assert row.unit_id == covering_unit_id([org.units[name].pk for name in names])


@pytest.mark.parametrize("units", [("A1",), ("A1", "A2")])
def test_a_list_row_costs_the_same_queries_for_3_or_40_cases(org, units):
    user = org.users["quality"]
    few = [make_case(org.units[units[i % len(units)]]) for i in range(3)]
    many = few + [make_case(org.units[units[i % len(units)]]) for i in range(37)]
    access_log_record_case_list(user=user, cases=few[:1])  # warm the content-type cache
    counts = []
    for cases in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            row = access_log_record_case_list(user=user, cases=cases, detail="test")
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
        assert len(inserts) == 1
        counts.append(len(ctx.captured_queries))
        assert _ids(row) == [c.pk for c in cases]
        assert row.action == AccessAction.LIST
    # The covering unit (one SELECT, none when it is a row's own unit) and the row (one INSERT).
    assert counts[0] == counts[1] == (1 if len(units) == 1 else 2)
    assert row.unit_id == (org.units["A1"].pk if len(units) == 1 else org.units["A"].pk)


def test_an_empty_list_writes_nothing(org):
    assert access_log_record_case_list(user=org.users["quality"], cases=[]) is None
    assert not AccessLog.objects.exists()


def test_any_audited_object_can_be_referenced_and_reads_after_deletion(world):
    chef = world.users["chef_a1"]
    row = access_log_record_object(
        user=chef,
        obj=world.supervision,
        label="IVO 3.5.1-1/2025",
        unit_ids=[world.org.units["A1"].pk],
        shown={Case: [(world.complaint.pk, world.complaint.reference)]},
    )
    row.refresh_from_db()
    assert row.subject == world.supervision
    assert row.content_type == ContentType.objects.get_for_model(Supervision)
    assert row.what == "Tillsynsärende: IVO 3.5.1-1/2025"
    # The label is text: the row still says what was read when the object is gone.
    Supervision.objects.filter(pk=world.supervision.pk).delete()
    row = AccessLog.objects.get(pk=row.pk)
    assert row.subject is None and row.what == "Tillsynsärende: IVO 3.5.1-1/2025"
    assert row.shown_entries == [("Ärenden", [world.complaint.reference])]


def test_list_rows_are_found_by_case_id_or_reference(world):
    chef = world.users["chef_a1"]
    access_log_record_case_list(user=chef, cases=[world.complaint, world.deviation])
    by_id = AccessLog.objects.filter(shown__contains={CASE: [[world.deviation.pk]]})
    by_ref = AccessLog.objects.filter(shown__contains={CASE: [[world.deviation.reference]]})
    assert by_id.count() == by_ref.count() == 1
    assert not AccessLog.objects.filter(shown__contains={CASE: [[world.lexsarah.pk]]}).exists()


def test_existing_case_rows_get_the_generic_reference(world):
    migration = importlib.import_module("cases.migrations.0009_access_log_any_object")
    old = AccessLog.objects.create(
        user=world.users["chef_a1"],
        action="read",
        case=world.complaint,
        case_reference=world.complaint.reference,
        unit=world.complaint.unit,
    )
    assert old.content_type_id is None
    migration.case_rows_name_their_case(apps, None)
    old.refresh_from_db()
    assert old.subject == world.complaint and old.object_label == world.complaint.reference


# --- pages -------------------------------------------------------------------------------------


def test_au_meeting_page_logs_each_case_shown(world, login):
    client = login(world.users["au"])
    rows, _ = _new_rows(lambda: client.get(reverse("lexsarah:au_meeting", args=[world.meeting.pk])))
    assert [(r.case_id, r.action) for r in rows] == [(world.lexsarah.pk, AccessAction.READ)]
    assert str(world.meeting.held_on) in rows[0].detail
    assert rows[0].unit_id == world.lexsarah.unit_id


def test_au_list_logs_one_row_with_the_meetings(world, login):
    client = login(world.users["au"])
    rows, _ = _new_rows(lambda: client.get(reverse("lexsarah:au_list")))
    assert len(rows) == 1 and rows[0].action == AccessAction.LIST
    assert _ids(rows[0], AUMeeting._meta.label_lower) == [world.meeting.pk]


@pytest.mark.parametrize("name", ["supervision:detail", "supervision:history", "supervision:edit"])
def test_supervision_pages_log_a_read_of_the_supervision(world, login, name):
    client = login(world.users["chef_a1"])
    rows, _ = _new_rows(lambda: client.get(reverse(name, args=[world.supervision.pk])))
    assert len(rows) == 1
    row = rows[0]
    assert (row.subject, row.action, row.unit_id) == (
        world.supervision,
        AccessAction.READ,
        world.org.units["A1"].pk,
    )
    assert row.case_id is None and "3.5.1-1/2025" in row.object_label


def test_supervision_list_logs_one_row(world, login):
    client = login(world.users["quality"])
    rows, _ = _new_rows(lambda: client.get(reverse("supervision:list")))
    assert len(rows) == 1
    assert _ids(rows[0], "cases.supervision") == [world.supervision.pk]
    assert rows[0].unit_id == world.org.units["A1"].pk


def test_reporter_status_page_is_logged(world, login):
    client = login(world.users["staff_a1"])
    rows, response = _new_rows(lambda: client.get(world.deviation.get_absolute_url()))
    assert "cases/reporter_status.html" in [t.name for t in response.templates]
    assert [(r.case_id, r.action, r.detail) for r in rows] == [
        (world.deviation.pk, AccessAction.READ, "reporter_status")
    ]


def test_reporter_receipt_page_of_a_deviation_is_logged(world, login):
    client = login(world.users["staff_a1"])
    url = reverse("deviations:receipt", args=[world.deviation.reference])
    rows, _ = _new_rows(lambda: client.get(url))
    assert [(r.case_id, r.action, r.detail) for r in rows] == [
        (world.deviation.pk, AccessAction.READ, "reporter_receipt")
    ]


def test_my_lex_sarah_reports_page_logs_one_row(world, login):
    client = login(world.users["staff_a1"])
    rows, _ = _new_rows(lambda: client.get(reverse("lexsarah:mine")))
    assert len(rows) == 1 and _ids(rows[0]) == [world.lexsarah.pk]


def test_inbox_logs_one_row_per_view_with_the_cases_shown(world, login):
    client = login(world.users["chef_a1"])
    rows, response = _new_rows(lambda: client.get(reverse("inbox:list")))
    shown = [c.pk for c in response.context["page"].rows]
    assert shown and len(rows) == 1
    assert rows[0].action == AccessAction.LIST and _ids(rows[0]) == shown
    assert rows[0].unit_id == world.org.units["A1"].pk


def test_inbox_search_and_htmx_results_are_logged(world, login):
    client = login(world.users["chef_a1"])
    url = reverse("inbox:list") + "?q=" + world.deviation.reference
    rows, response = _new_rows(lambda: client.get(url, headers={"HX-Request": "true"}))
    assert "cases/_inbox_results.html" in [t.name for t in response.templates]
    assert len(rows) == 1 and _ids(rows[0]) == [c.pk for c in response.context["page"].rows]
    assert rows[0].detail == "Sökning i inkorgen"


def test_inbox_logging_is_one_insert_whatever_the_page_size(world, login):
    for _ in range(30):
        make_case(world.org.units["A2"])
    client = login(world.users["quality"])
    client.get(reverse("inbox:list"))  # warm caches
    for size in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("inbox:list") + f"?antal={size}")
        log = [q["sql"] for q in ctx.captured_queries if '"cases_accesslog"' in q["sql"]]
        assert len(log) == 1 and log[0].startswith("INSERT")
    row = AccessLog.objects.order_by("-id").first()
    assert len(_ids(row)) > 10 and row.unit_id == world.org.units["A"].pk


def test_start_page_logs_the_cases_it_lists(world, login):
    client = login(world.users["staff_a1"])
    rows, _ = _new_rows(lambda: client.get(reverse("start")))
    assert len(rows) == 1
    assert {world.complaint.pk, world.deviation.pk, world.lexsarah.pk} <= set(_ids(rows[0]))


def test_risk_analysis_list_and_detail_are_logged(world, login):
    chef = world.users["chef_a1"]
    analysis = analysis_create_from_cases(
        actor=chef,
        cases=[world.deviation],
        title="Mönster",
        units=[world.org.units["A1"]],
        analysed_on=date(2025, 3, 1),
    )
    client = login(chef)
    rows, _ = _new_rows(lambda: client.get(reverse("riskanalysis:list")))
    assert len(rows) == 1
    assert set(_ids(rows[0], "riskanalysis.riskanalysis")) == {analysis.pk, world.analysis.pk}
    rows, _ = _new_rows(lambda: client.get(analysis.get_absolute_url()))
    assert len(rows) == 1
    assert rows[0].subject == analysis and _ids(rows[0]) == [world.deviation.pk]
    assert rows[0].content_type.model_class() is RiskAnalysis


def test_selfcontrol_run_page_logs_the_run_and_its_linked_cases(world, login):
    chef = world.users["chef_a1"]
    case = sc.run_deviation_create(run=world.run, title="Brist", description="x", actor=chef)
    client = login(chef)
    rows, _ = _new_rows(lambda: client.get(world.run.get_absolute_url()))
    assert len(rows) == 1
    row = rows[0]
    assert row.subject == world.run and _ids(row) == [case.pk]
    assert row.content_type.model_class() is SelfControlRun
    assert row.unit_id == world.org.units["A1"].pk


# --- review: loggkontroll and the egenkontroll sample ------------------------------------------


def test_loggkontroll_shows_object_and_list_rows_readably(world, login):
    client = login(world.users["quality"])
    client.get(reverse("supervision:detail", args=[world.supervision.pk]))
    client.get(reverse("inbox:list"))
    page = login(world.users["chef_a1"]).get(reverse("cases:accesslog")).content.decode()
    assert "Tillsynsärende: IVO 3.5.1-1/2025" in page
    assert "Visning i lista" in page and world.deviation.reference in page
    quality = world.users["quality"]
    assert (quality.get_full_name() or quality.username) in page
    # The reference filter finds the list views that showed the case.
    url = reverse("cases:accesslog") + "?case_reference=" + world.deviation.reference.lower()
    rows = login(world.users["chef_a1"]).get(url).context["object_list"]
    assert any(r.action == AccessAction.LIST for r in rows)
    # Out of scope: the B1 chef sees none of it.
    page = login(world.users["chef_b1"]).get(reverse("cases:accesslog")).content.decode()
    assert "Tillsynsärende" not in page and world.deviation.reference not in page


def test_egenkontroll_sample_draws_the_new_rows_and_shows_them(world, login):
    chef, quality = world.users["chef_a1"], world.users["quality"]
    run = world.plan.runs.order_by("period_start")[1]  # Q2 2025
    run = sc.run_start(run=run, actor=chef)
    obj = access_log_record_object(
        user=quality,
        obj=world.supervision,
        label="IVO 3.5.1-1/2025",
        unit_ids=[world.org.units["A1"].pk],
    )
    listed = access_log_record_case_list(user=quality, cases=[world.complaint])
    AccessLog.objects.filter(pk__in=[obj.pk, listed.pk]).update(
        at=datetime(2025, 5, 2, 12, tzinfo=STHLM)
    )
    # Fresh: the world's extra förvaltning moved the tree's paths.
    candidates = sc.log_candidates(
        unit=run.plan.responsible_unit, period_start=run.period_start, period_end=run.period_end
    )
    assert set(candidates.values_list("pk", flat=True)) == {obj.pk, listed.pk}
    sc.run_draw_log_sample(run=run, actor=chef, size=2, seed=3)
    page = login(chef).get(run.get_absolute_url()).content.decode()
    assert "Tillsynsärende: IVO 3.5.1-1/2025" in page
    assert world.complaint.reference in page
