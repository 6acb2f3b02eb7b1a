"""Deviation services: the transition table, classification, closing, reclassification."""

import itertools

import pytest

from cases.models import Case, CaseLink, Measure
from cases.services import ConcurrentEditError, ServiceError, TransitionNotAllowed
from cases.services.cases import case_transition
from cases.services.parts import measure_set_status
from deviations import services as svc
from deviations.models import Deviation
from deviations.selectors import deviation_label_counts
from deviations.workflow import WORKFLOW, DeviationStatus
from tests.factories import code, make_case

pytestmark = pytest.mark.django_db

STATUSES = [s.value for s in DeviationStatus]


def _force(case: Case, status: str) -> Case:
    # Test setup only: put the row in a state without going through the workflow.
    Case.objects.filter(pk=case.pk).update(status=status, closed_at=None)
    case.refresh_from_db()
    return case


def test_create_records_the_report_with_history(org, report):
    case = report(concerns_child=True, immediate_consequence="Försenat beslut")
    assert case.reference.startswith("AV-") and case.status == DeviationStatus.REPORTED
    assert case.reporter == org.users["staff_a1"]
    assert case.due_step == "receive" and case.due_at is not None
    deviation = case.deviation
    assert deviation.concerns_child and deviation.immediate_consequence == "Försenat beslut"
    row = deviation.history.get()
    assert row.history_user == org.users["staff_a1"]
    assert row.history_change_reason == "Avvikelse rapporterad"


def test_create_derives_a_title_and_links_the_source(org, report):
    complaint = make_case(org.units["A1"], kind_="complaint")
    case = report(
        title="",
        description="Första raden om det som hände\nMer text",
        source_case=complaint,
        reason="Från klagomål",
    )
    assert case.title == "Första raden om det som hände"
    link = CaseLink.objects.get(source=complaint, target=case)
    assert link.kind == "escalated" and link.history.exists()
    with pytest.raises(ServiceError):
        report(title="", description="  ")


def test_transition_table_is_enforced_for_deviations(org):
    actor = org.users["chef_a1"]
    case = make_case(org.units["A1"], kind_="deviation", actor=actor)
    for from_status, to_status in itertools.product(STATUSES, STATUSES):
        _force(case, from_status)
        before = case.history.count()
        if WORKFLOW.can(from_status, to_status):
            moved = case_transition(
                case=case, to_status=to_status, actor=actor, reason=f"{from_status}->{to_status}"
            )
            last = moved.history.latest()
            assert (last.history_user, last.history_change_reason) == (
                actor,
                f"{from_status}->{to_status}",
            )
            assert case.history.count() == before + 1
        else:
            with pytest.raises(TransitionNotAllowed):
                case_transition(case=case, to_status=to_status, actor=actor, reason="nej")
            case.refresh_from_db()
            assert case.status == from_status and case.history.count() == before


SERVICES = {
    # service → (the one status it starts from, the status it leads to)
    "receive": (DeviationStatus.REPORTED, DeviationStatus.RECEIVED),
    "investigate": (DeviationStatus.RECEIVED, DeviationStatus.INVESTIGATING),
}


def _call(name, case, actor):
    if name == "receive":
        return svc.deviation_receive(case=case, actor=actor, reason="Sett")
    return svc.deviation_start_investigation(case=case, actor=actor, reason="Sett")


@pytest.mark.parametrize("name", SERVICES)
@pytest.mark.parametrize("from_status", STATUSES)
def test_each_service_moves_only_from_its_own_status(org, report, name, from_status):
    chef = org.users["chef_a1"]
    case = _force(report(), from_status)
    before = case.history.count()
    start, target = SERVICES[name]
    if from_status == start:
        moved = _call(name, case, chef)
        assert moved.status == target
        last = moved.history.latest()
        assert last.history_user == chef and last.history_change_reason == "Sett"
    else:
        with pytest.raises(ServiceError):
            _call(name, case, chef)
        assert case.history.count() == before
        assert Case.objects.get(pk=case.pk).status == from_status


def test_services_refuse_other_case_types(org):
    complaint = make_case(org.units["A1"], kind_="complaint")
    with pytest.raises(ServiceError, match="inte en kvalitetsavvikelse"):
        svc.deviation_receive(case=complaint, actor=org.users["chef_a1"])


def test_assign_grants_access_and_refuses_closed(org, report):
    chef, other = org.users["chef_a1"], org.users["investigator"]
    case = report()
    svc.deviation_assign(case=case, assignee=other, actor=chef)
    assert other.has_perm("cases.handle_case", Case.objects.get(pk=case.pk))
    svc.deviation_close(case=case, outcome="utan_atgard", summary="Inget att göra", actor=chef)
    with pytest.raises(ServiceError, match="avslutat"):
        svc.deviation_assign(case=case, assignee=chef, actor=chef)


def test_case_without_deviation_row_gets_one(org):
    case = make_case(org.units["A1"], kind_="deviation")
    svc.deviation_receive(case=case, actor=org.users["chef_a1"])
    assert Deviation.objects.filter(pk=case.pk).exists()


# --- Classification --------------------------------------------------------------------------


def _classify(case, chef, version=None, deficiencies=("dokumentation",), **kwargs):
    return svc.deviation_classify(
        case=case,
        expected_version=case.version if version is None else version,
        actor=chef,
        event_category=code("event_category", "handlaggning"),
        deficiencies=[code("deficiency", d) for d in deficiencies],
        root_causes=[code("root_cause", "rutin-ej-foljd")],
        consequence=code("consequence", "fordrojning"),
        reason="Analys klar",
        **kwargs,
    )


def test_classify_stores_multi_labels_in_one_history_row(org, report):
    chef = org.users["chef_a1"]
    case = report()
    before = Deviation.history.filter(case_id=case.pk).count()
    deviation = _classify(case, chef, deficiencies=("dokumentation", "handlaggning", "kompetens"))
    assert {c.code for c in deviation.deficiencies.all()} == {
        "dokumentation",
        "handlaggning",
        "kompetens",
    }
    rows = Deviation.history.filter(case_id=case.pk)
    assert rows.count() == before + 1
    latest = rows.latest()
    assert latest.history_user == chef and latest.history_change_reason == "Analys klar"
    assert {r.code.code for r in latest.deficiencies.all()} == {
        "dokumentation",
        "handlaggning",
        "kompetens",
    }
    assert Case.objects.get(pk=case.pk).event_category.code == "handlaggning"
    # The previous history row still shows the state before (no labels).
    assert not rows.earliest().deficiencies.exists()


def test_classify_refuses_codes_from_another_list(org, report):
    case = report()
    with pytest.raises(ServiceError):
        svc.deviation_classify(
            case=case,
            expected_version=case.version,
            actor=org.users["chef_a1"],
            deficiencies=[code("root_cause", "kunskap")],
        )


def test_each_label_counts_once_per_deviation(org, report):
    chef = org.users["chef_a1"]
    _classify(report(), chef, deficiencies=("dokumentation", "handlaggning", "kompetens"))
    _classify(report(), chef, deficiencies=("dokumentation",))
    report()  # not classified: "Ej angivet"
    counts = dict(deviation_label_counts(Case.objects.filter(kind="deviation"), "deficiencies"))
    assert counts == {"Dokumentation": 2, "Handläggning": 1, "Kompetens": 1, "Ej angivet": 1}
    assert sum(counts.values()) == 5  # 3 + 1 labels and one blank, over three deviations


@pytest.mark.django_db(transaction=True)
def test_concurrent_classification_is_a_conflict_not_an_overwrite(org, report):
    chef, other = org.users["chef_a1"], org.users["chef_a"]
    case = report()
    opened_version = case.version
    _classify(case, other, deficiencies=("bemotande",))
    with pytest.raises(ConcurrentEditError) as exc:
        _classify(case, chef, version=opened_version, deficiencies=("dokumentation",))
    assert "Någon annan har sparat" in str(exc.value)
    assert exc.value.current.version == opened_version + 1
    saved = Deviation.objects.get(pk=case.pk)
    assert [c.code for c in saved.deficiencies.all()] == ["bemotande"]


# --- Measures and closing --------------------------------------------------------------------


def test_close_with_measures_requires_a_measure(org, report):
    chef = org.users["chef_a1"]
    case = report()
    with pytest.raises(ServiceError, match="minst en åtgärd"):
        svc.deviation_close(case=case, outcome="med_atgard", summary="Rutin", actor=chef)
    measure = svc.deviation_measure_add(
        case=case,
        description="Rutinen gås igenom på APT",
        actor=chef,
        level="arbetsgrupp",
        measure_type=code("measure_type", "processer"),
        responsible=chef,
        due_date=None,
    )
    assert measure.history.get().history_user == chef
    measure_set_status(measure=measure, status="genomford", actor=chef)  # done before closing
    closed = svc.deviation_close(
        case=case, outcome="med_atgard", summary="Rutinen var otydlig", actor=chef
    )
    assert closed.status == "avslutad" and closed.outcome == "med_atgard"
    assert closed.closed_at is not None and closed.due_at is None
    assert Deviation.objects.get(pk=case.pk).closing_summary == "Rutinen var otydlig"
    assert closed.history.latest().history_change_reason.startswith("Avslutad med åtgärd")
    assert Measure.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("outcome", ["", "omklassificerad", "okänt"])
def test_close_refuses_other_outcomes_and_empty_summary(org, report, outcome):
    case = report()
    with pytest.raises(ServiceError):
        svc.deviation_close(case=case, outcome=outcome, summary="x", actor=org.users["chef_a1"])
    with pytest.raises(ServiceError, match="sammanfattning"):
        svc.deviation_close(
            case=case, outcome="utan_atgard", summary=" ", actor=org.users["chef_a1"]
        )


# --- Reclassification ------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["vardskada", "arbetsmiljo"])
def test_reclassify_leaving_the_system_records_the_reason(org, report, target):
    chef = org.users["chef_a1"]
    case = report()
    result = svc.deviation_reclassify(case=case, target=target, reason="Gäller HSL", actor=chef)
    assert result.target is None
    closed = result.case
    assert closed.status == "avslutad" and closed.outcome == "omklassificerad"
    deviation = Deviation.objects.get(pk=case.pk)
    assert deviation.reclassified_to == target
    assert deviation.reclassification_reason == "Gäller HSL"
    case_row = closed.history.latest()
    assert case_row.history_user == chef and "Gäller HSL" in case_row.history_change_reason
    assert "hanteras utanför Avvika" in case_row.history_change_reason
    assert deviation.history.latest().reclassified_to == target


def test_reclassify_needs_a_reason_and_a_known_target(org, report):
    case = report()
    with pytest.raises(ServiceError):
        svc.deviation_reclassify(
            case=case, target="vardskada", reason="", actor=org.users["chef_a1"]
        )
    with pytest.raises(ServiceError):
        svc.deviation_reclassify(case=case, target="annat", reason="x", actor=org.users["chef_a1"])
    assert Case.objects.get(pk=case.pk).status == DeviationStatus.REPORTED


def test_reclassify_to_lex_sarah_keeps_lineage_and_history_on_both(org, report):
    chef = org.users["chef_a1"]
    case = report(occurred_on=None)
    svc.deviation_receive(case=case, actor=chef)
    result = svc.deviation_reclassify(
        case=case, target="lex_sarah", reason="Påtaglig risk för missförhållande", actor=chef
    )
    lex = result.target
    assert lex.kind == "lexsarah" and lex.reference.startswith("LS-")
    link = CaseLink.objects.get(source=case, target=lex, kind="reclassified")
    assert link.history.get().history_user == chef
    closed = Case.objects.get(pk=case.pk)
    assert closed.status == "avslutad" and closed.outcome == "omklassificerad"
    assert lex.reference in closed.history.latest().history_change_reason
    assert closed.history.filter(status="mottagen").exists()  # earlier steps kept
    created = lex.history.earliest()
    assert created.history_user == chef and case.reference in created.history_change_reason
    assert case.reference in lex.description
    assert Deviation.objects.get(pk=case.pk).reclassified_to == "lex_sarah"


def test_scrub_removes_free_text_but_keeps_categories(org, report):
    from cases.retention import case_scrub

    chef = org.users["chef_a1"]
    case = report(immediate_consequence="Anna fick vänta")
    _classify(case, chef)
    svc.deviation_close(case=case, outcome="utan_atgard", summary="Anna fick ursäkt", actor=chef)
    case_scrub(case=case)
    deviation = Deviation.objects.get(pk=case.pk)
    assert deviation.immediate_consequence == "" and deviation.closing_summary == ""
    assert [c.code for c in deviation.deficiencies.all()] == ["dokumentation"]
    assert deviation.consequence.code == "fordrojning"
    assert not Deviation.history.filter(case_id=case.pk, closing_summary__contains="Anna").exists()
    assert not Deviation.history.filter(
        case_id=case.pk, immediate_consequence__contains="Anna"
    ).exists()
