"""A hand-built dataset with known counts for the kvalitetsberättelse blocks (report year
2025, ASF förvaltning: A › A1, A2; B › B1). Counts are written next to each row so the tests
read as the specification. Test data are built with the ORM where no service exists yet.
Import the fixtures into a test module: `from tests.reports.edition_data import dataset`."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from cases.complaints.models import Complaint
from cases.models import Case, Code, CodeList, Measure
from cases.services.cases import case_update
from cases.supervision.models import Authority, Supervision, SupervisionDecision
from deviations.models import Deviation
from lexsarah.models import IvoNotification, LexSarahReport
from reports.editions.models import ReportTemplate
from reports.editions.services import edition_create
from riskanalysis.models import RiskAnalysis
from selfcontrol.models import SelfControlRun
from tests.factories import make_case, make_unit
from tests.riskanalysis.factories import make_analysis
from tests.selfcontrol.factories import make_plan

SECRET_TEXT = "Hemlig detalj om brukaren 19850101-1234"


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


def c(codelist, code_):
    return Code.objects.get(codelist=codelist, code=code_)


def complaint(unit, received, source="utomstaende", topics=(), closed=None):
    case = make_case(
        unit, "complaint", title=SECRET_TEXT, description=SECRET_TEXT, received_at=received
    )
    comp = Complaint.objects.create(
        case=case, source=source, complaint_type=c(CodeList.COMPLAINT_TYPE, "klagomal")
    )
    comp.topics.set([c(CodeList.COMPLAINT_TOPIC, t) for t in topics])
    if closed:
        Case.objects.filter(pk=case.pk).update(closed_at=closed)
    return case


def deviation(unit, received, closed=None, event=None, deficiencies=(), causes=()):
    case = make_case(
        unit, "deviation", title=SECRET_TEXT, description=SECRET_TEXT, received_at=received
    )
    dev = Deviation.objects.create(case=case, immediate_consequence=SECRET_TEXT)
    dev.deficiencies.set([c(CodeList.DEFICIENCY, d) for d in deficiencies])
    dev.root_causes.set([c(CodeList.ROOT_CAUSE, r) for r in causes])
    Case.objects.filter(pk=case.pk).update(
        closed_at=closed, event_category=c(CodeList.EVENT_CATEGORY, event) if event else None
    )
    return Case.objects.get(pk=case.pk)


def lexsarah(unit, received, assessment="", au_date=None):
    case = make_case(
        unit, "lexsarah", title=SECRET_TEXT, description=SECRET_TEXT, received_at=received
    )
    LexSarahReport.objects.create(
        case=case, assessment=assessment, au_date=au_date, persons_affected=SECRET_TEXT
    )
    return case


def _complaints(u):
    # Klagomål från utomstående: 2025 → 5, 2024 → 2 (boundaries in local time).
    complaint(
        u["A1"],
        local(2025, 1, 1, 0, 5),
        topics=["bemotande", "information"],
        closed=local(2025, 2, 1),
    )
    complaint(u["A1"], local(2025, 5, 5), topics=["bemotande"], closed=local(2025, 5, 20))
    complaint(u["A1"], local(2025, 12, 31, 23, 30))  # still 2025 in Stockholm (22:30 UTC)
    complaint(u["B1"], local(2025, 3, 3), closed=local(2025, 7, 1))  # after the analysis period
    complaint(u["B1"], local(2025, 8, 8))
    complaint(u["A1"], local(2024, 12, 31, 23, 59))  # 2024
    complaint(u["A2"], local(2024, 6, 6))  # 2024
    complaint(u["A1"], local(2026, 1, 1, 0, 10))  # 2026: not counted
    complaint(u["A1"], local(2021, 4, 4))  # in the five-year trend (2021–2025)
    # Klagomål från personal: 2025 → 1, 2024 → 1.
    complaint(u["A2"], local(2025, 2, 2), source="personal")
    complaint(u["A2"], local(2024, 2, 2), source="personal")


def _deviations(u, actor):
    # Kvalitetsavvikelser: 2025 → 4, 2024 → 6. Three closed in the analysis period
    # 1 Jun 2024 – 31 May 2025 (one on its first hour, one on its last).
    first = deviation(
        u["A1"],
        local(2025, 1, 10),
        local(2025, 2, 1),
        "dokumentation",
        ["processer-rutiner", "dokumentation"],
        ["rutin-ej-foljd", "kunskap"],
    )
    second = deviation(
        u["A1"],
        local(2025, 2, 10),
        local(2025, 5, 31, 23, 0),
        "dokumentation",
        ["dokumentation"],
        ["kunskap"],
    )
    moved = deviation(u["B1"], local(2025, 3, 10), local(2024, 6, 1, 0, 30))
    deviation(u["A2"], local(2025, 4, 10), local(2025, 6, 1, 0, 30), "bemotande", ["bemotande"])
    for month in range(1, 7):
        deviation(u["B1"], local(2024, month, 15))
    # Registered on B1, then corrected to A2: counted where it is registered now (A).
    case_update(
        case=moved,
        expected_version=moved.version,
        data={"unit": u["A2"]},
        actor=actor,
        reason="Fel enhet",
    )
    for mtype in ("processer", "kompetens"):
        Measure.objects.create(
            case=first, measure_type=c(CodeList.MEASURE_TYPE, mtype), description=SECRET_TEXT
        )
    Measure.objects.create(case=second, description=SECRET_TEXT)


def _lexsarah(u, actor):
    # Received 2025 → 2, 2024 → 1; AU-handled with a finding 2025 → 2 (r1, r3).
    r1 = lexsarah(u["A1"], local(2025, 1, 20), "missforhallande", date(2025, 3, 1))
    lexsarah(u["B1"], local(2025, 2, 20), "inget", date(2025, 4, 1))
    r3 = lexsarah(u["B1"], local(2024, 11, 20), "allvarligt", date(2025, 2, 1))
    IvoNotification.objects.create(
        report_id=r3.pk,
        path="au",
        decided_at=local(2025, 2, 2),
        decided_by=actor,
        decision_date=date(2025, 6, 1),
        decision_outcome="kritik",
    )
    return r1, r3


def _quality_work(u, actor):
    # Supervision: one IVO decision in 2025 (with deficiencies), one JO decision in 2024.
    stype = Code.objects.filter(codelist=CodeList.SUPERVISION_TYPE).order_by("order").first()
    for authority, decided in (
        (Authority.IVO, date(2025, 5, 5)),
        (Authority.JO, date(2024, 12, 31)),
    ):
        sup = Supervision.objects.create(
            authority=authority,
            supervision_type=stype,
            title="Tillsyn",
            initiated_on=date(2024, 1, 1),
        )
        sup.units.set([u["A1"]])
        SupervisionDecision.objects.create(
            supervision=sup, decided_on=decided, deficiencies_found=authority == Authority.IVO
        )
    # Riskanalys covering A1 and B1, marked for the report; one not marked.
    ra = make_analysis(
        actor,
        [u["A1"], u["B1"]],
        title="Riskanalys om barnavårdsutredningar",
        analysed_on=date(2025, 3, 10),
    )
    RiskAnalysis.objects.filter(pk=ra.pk).update(
        include_in_report=True, report_summary="Fyra risker identifierades."
    )
    make_analysis(actor, [u["A1"]], title="Ej med", analysed_on=date(2025, 4, 1))
    # Egenkontroll by A2, marked.
    plan = make_plan(actor, u["A2"], area="Aktgranskning av utredningar")
    SelfControlRun.objects.create(
        plan=plan,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 6, 30),
        due_date=date(2025, 7, 31),
        include_in_report=True,
        result="brister",
        report_summary="Två av tio akter saknade barnets synpunkter.",
    )


@pytest.fixture
def dataset(org):
    u, actor = org.units, org.users["quality"]
    _complaints(u)
    _deviations(u, actor)
    # Outside the förvaltning (sorts first, so treebeard renumbers ASF's path): never counted.
    other = make_unit("X", "Annan förvaltning", kind_code="forvaltning")
    complaint(other, local(2025, 6, 6))
    deviation(other, local(2025, 6, 6))
    r1, r3 = _lexsarah(u, actor)
    _quality_work(u, actor)
    return {"r1": r1, "r3": r3}


@pytest.fixture
def edition(org):
    return edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=org.users["quality"],
        diarienummer="ASN-2026-00042",
        responsible="Förvaltningsdirektör",
        report_date=date(2026, 2, 27),
    )
