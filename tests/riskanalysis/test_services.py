"""Risk analysis services: scale and levels, templates and copies, transitions, links."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import CaseKind
from cases.services import ServiceError, TransitionNotAllowed
from riskanalysis import selectors, services
from riskanalysis.models import Risk, RiskAnalysis, RiskScale
from tests.factories import make_case
from tests.riskanalysis.factories import default_template, make_analysis

pytestmark = pytest.mark.django_db
STHLM = ZoneInfo("Europe/Stockholm")


def test_default_scale_is_seeded_4x4_with_swedish_labels():
    scale = services.scale_current()
    assert scale.probability_labels == ["Mycket liten", "Liten", "Stor", "Mycket stor"]
    assert scale.consequence_labels == ["Försumbar", "Lindrig", "Kännbar", "Allvarlig"]
    assert [lvl["code"] for lvl in scale.levels] == ["low", "medium", "high", "very_high"]


@pytest.mark.parametrize(
    ("p", "c", "level"),
    [
        (1, 1, "low"),
        (1, 2, "low"),
        (1, 3, "medium"),
        (2, 3, "medium"),
        (2, 4, "high"),
        (3, 3, "high"),
        (3, 4, "very_high"),
        (4, 4, "very_high"),
    ],
)
def test_risk_level_is_p_times_c_through_the_scale_thresholds(org, p, c, level):
    analysis = make_analysis(org.users["chef_a1"], [org.units["A1"]], risks=[("Risk", p, c)])
    risk = analysis.risks.get()
    assert risk.score == p * c
    assert risk.level["code"] == level


def test_changing_the_scale_keeps_old_analyses_on_their_own_scale(org):
    chef = org.users["chef_a1"]
    old = make_analysis(chef, [org.units["A1"]], risks=[("Telefontiden kortas", 2, 3)])
    assert old.risks.get().level["label"] == "Medel"
    # The organisation moves to a stricter 5×5 scale where 6 is already "Hög".
    new_scale = services.scale_new_version(
        actor=org.users["quality"],
        probability_labels=["1", "2", "3", "4", "5"],
        consequence_labels=["a", "b", "c", "d", "e"],
        levels=[
            {"code": "low", "label": "Låg", "max": 3},
            {"code": "high", "label": "Hög", "max": 10},
            {"code": "very_high", "label": "Mycket hög", "max": 25},
        ],
    )
    assert new_scale.version == 2
    assert services.scale_current() == new_scale
    new = make_analysis(chef, [org.units["A1"]], risks=[("Samma risk", 2, 3)])
    assert new.scale == new_scale
    assert new.risks.get().level["label"] == "Hög"
    # The old analysis still reads as it was made: its 4×4 scale, its level.
    old_risk = Risk.objects.get(analysis=old)
    assert old_risk.analysis.scale.version == 1
    assert old_risk.level["label"] == "Medel"
    assert old_risk.probability_label == "Liten"
    # The first version itself is unchanged.
    assert RiskScale.objects.get(version=1).consequence_labels[3] == "Allvarlig"


def test_scale_validation_refuses_thresholds_that_do_not_cover_the_scale(org):
    with pytest.raises(ServiceError):
        services.scale_new_version(
            actor=org.users["quality"],
            probability_labels=["a", "b"],
            consequence_labels=["x", "y"],
            levels=[{"code": "low", "label": "Låg", "max": 3}],
        )


def test_scores_outside_the_scale_are_refused(org):
    analysis = make_analysis(org.users["chef_a1"], [org.units["A1"]])
    with pytest.raises(ServiceError):
        services.risk_add(
            analysis=analysis,
            description="x",
            probability=5,
            consequence=1,
            actor=org.users["chef_a1"],
        )


def test_template_prefills_sections_and_suggested_risks(org):
    template = default_template()
    analysis = make_analysis(org.users["chef_a1"], [org.units["A1"]], template=template)
    assert [s["title"] for s in analysis.sections] == [s["title"] for s in template.sections]
    assert list(analysis.risks.values_list("description", flat=True)) == template.suggested_risks
    assert not any(r.is_scored for r in analysis.risks.all())


def test_copy_of_earlier_analysis_keeps_structure_and_scores_but_not_the_original(org):
    chef = org.users["chef_a1"]
    earlier = make_analysis(
        chef, [org.units["A1"]], template=default_template(), risks=[("Personakter i arkiv", 3, 3)]
    )
    copy = services.analysis_create(
        actor=chef,
        title="Uppföljande analys",
        units=[org.units["A1"]],
        analysed_on=date(2026, 1, 20),
        copy_from=earlier,
    )
    assert copy.copied_from == earlier
    assert copy.sections == earlier.sections
    assert copy.risks.count() == earlier.risks.count()
    assert copy.risks.order_by("-number").first().score == 9
    services.risk_update(
        risk=copy.risks.order_by("-number").first(),
        description="Ändrad",
        probability=1,
        consequence=1,
        actor=chef,
    )
    assert earlier.risks.order_by("-number").first().description == "Personakter i arkiv"


def test_units_must_be_in_the_authors_write_scope(org):
    with pytest.raises(ServiceError):
        make_analysis(org.users["chef_a1"], [org.units["B1"]])
    with pytest.raises(ServiceError):
        make_analysis(org.users["au"], [org.units["A1"]])  # AU reads, does not write
    assert (
        make_analysis(org.users["quality"], [org.units["A1"], org.units["B1"]]).units.count() == 2
    )


def test_transitions_follow_the_table(org):
    chef = org.users["chef_a1"]
    analysis = make_analysis(chef, [org.units["A1"]], risks=[("Risk", None, None)])
    with pytest.raises(ServiceError):  # unscored risk
        services.analysis_complete(analysis=analysis, actor=chef)
    with pytest.raises(TransitionNotAllowed):
        services.analysis_follow_up(analysis=analysis, actor=chef, result="x")
    services.risk_update(
        risk=analysis.risks.get(), description="Risk", probability=2, consequence=2, actor=chef
    )
    analysis = services.analysis_complete(analysis=analysis, actor=chef)
    assert analysis.status == RiskAnalysis.Status.DONE and analysis.completed_at
    with pytest.raises(ServiceError):  # risks are frozen once done
        services.risk_add(analysis=analysis, description="Ny", actor=chef)
    with pytest.raises(ServiceError):
        services.analysis_follow_up(analysis=analysis, actor=chef, result="  ")
    analysis = services.analysis_follow_up(
        analysis=analysis, actor=chef, result="Åtgärderna fungerar."
    )
    assert analysis.status == RiskAnalysis.Status.FOLLOWED_UP
    with pytest.raises(TransitionNotAllowed):
        services.analysis_reopen(analysis=analysis, actor=chef)
    reasons = list(analysis.history.values_list("history_change_reason", flat=True))
    assert "Riskanalysen följdes upp" in reasons and "Riskanalysen genomförd" in reasons
    assert analysis.history.filter(history_user=chef).exists()


def test_measure_per_risk_is_a_core_measure_without_case(org):
    chef = org.users["chef_a1"]
    analysis = make_analysis(chef, [org.units["A1"]], risks=[("Risk", 2, 2)])
    risk = analysis.risks.get()
    measure = services.risk_measure_add(
        risk=risk, actor=chef, description="Ny rutin för digital post"
    )
    assert measure.case is None
    assert list(risk.measures.all()) == [measure]
    assert measure.history.first().history_user == chef


def test_risk_can_create_a_linked_deviation(org):
    chef = org.users["chef_a1"]
    analysis = make_analysis(chef, [org.units["A1"]], risks=[("Risk", 2, 2)])
    risk = analysis.risks.get()
    case = services.risk_deviation_create(
        risk=risk,
        unit=org.units["A1"],
        title="Brist",
        description="Rutinen följdes inte",
        actor=chef,
    )
    assert case.kind == CaseKind.DEVIATION and case.reference.startswith("AV-")
    assert list(risk.linked_cases.all()) == [case]
    with pytest.raises(ServiceError):  # a unit the analysis does not cover
        services.risk_deviation_create(
            risk=risk, unit=org.units["A2"], title="x", description="y", actor=chef
        )


def test_analysis_from_deviation_pattern_keeps_lineage(org):
    chef = org.users["chef_a1"]
    cases = [
        make_case(org.units["A1"], kind_="deviation", title=f"Sen utredning {i}") for i in range(3)
    ]
    analysis = services.analysis_create_from_cases(
        actor=chef,
        cases=cases,
        title="Utredningar inom lagstadgad tid",
        units=[org.units["A1"]],
        analysed_on=date(2025, 5, 1),
    )
    assert set(analysis.source_cases.all()) == set(cases)
    assert analysis.trigger.code == "avvikelsemonster"
    assert list(selectors.riskanalyses_for_case(cases[0])) == [analysis]
    assert list(selectors.riskanalyses_for_case(cases[0], org.users["chef_b1"])) == []


def test_overdue_follow_ups_use_the_stockholm_date(backdated, monkeypatch):
    org = backdated
    chef = org.users["chef_a1"]
    due = make_analysis(
        chef, [org.units["A1"]], title="Uppföljning 31 dec", follow_up_on=date(2025, 12, 31)
    )
    make_analysis(org.users["quality"], [org.units["A2"]], title="Utan uppföljningsdatum")
    # 23:30 on 31 Dec in Stockholm: still on time.
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2025, 12, 31, 23, 30, tzinfo=STHLM)
    )
    assert selectors.overdue_items_for(chef) == []
    # 00:30 on 1 Jan in Stockholm is still 31 Dec in UTC: overdue all the same.
    monkeypatch.setattr(
        "django.utils.timezone.now", lambda: datetime(2026, 1, 1, 0, 30, tzinfo=STHLM)
    )
    items = selectors.overdue_items_for(chef)
    assert [(i.title, i.url, i.due_date, i.unit) for i in items] == [
        ("Uppföljning 31 dec", due.get_absolute_url(), date(2025, 12, 31), org.units["A1"])
    ]
    assert selectors.overdue_items_for(org.users["chef_b1"]) == []
    assert len(selectors.overdue_items_for(org.users["quality"])) == 1
    # Following up (with a result) ends the overdue state.
    services.risk_add(analysis=due, description="Risk", probability=1, consequence=1, actor=chef)
    services.analysis_complete(analysis=due, actor=chef)
    services.analysis_follow_up(analysis=due, actor=chef, result="Genomfört")
    assert selectors.overdue_items_for(chef) == []
