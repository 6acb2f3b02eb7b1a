"""A small world for the permission sweep: one object of each kind in Sektion A1 (plus the
förvaltning-level report edition), built through the services so history rows exist.

Every title carries a marker (`SWEEP-…`) so a list can be checked for (not) containing it.
"""

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.complaints.services import complaint_create
from cases.models import AccessAction, AccessLog, Job, Role
from cases.services.access import access_log_record
from cases.services.jobs import job_create
from cases.services.parts import attachment_add, measure_create
from cases.supervision import services as supervision_svc
from deviations.services import deviation_create
from lexsarah import services as ls
from lexsarah.models import Assessment
from reports.analysis.models import UnitAnalysis
from reports.analysis.services import round_open
from reports.editions.compile import JOB_KIND
from reports.editions.models import CompiledReport, ReportBlock, ReportTemplate
from reports.editions.services import edition_create
from reports.services import development_area_create
from selfcontrol import services as sc
from tests.factories import UserFactory, code, make_unit, member
from tests.riskanalysis.factories import default_template, make_analysis
from tests.selfcontrol.factories import make_plan
from tests.supervision.factories import make_supervision

STHLM = ZoneInfo("Europe/Stockholm")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MARK = {
    "complaint": "SWEEP-KLAGOMAL-A1",
    "deviation": "SWEEP-AVVIKELSE-A1",
    "lexsarah": "SWEEP-LEXSARAH-A1",
    "analysis": "SWEEP-RISK-A1",
    "plan": "SWEEP-EGENKONTROLL-A1",
    "supervision": "SWEEP-TILLSYN-A1",
    "area": "SWEEP-UTVECKLING-A1",
}


@dataclass
class World:
    org: object
    users: dict
    complaint: object  # Case
    deviation: object  # Case
    lexsarah: object  # Case
    delivery: object  # ArchiveDelivery
    investigation: object
    meeting: object
    agenda_item: object
    analysis: object
    risk: object
    plan: object
    run: object
    sample: object
    supervision: object
    sup_measure: object
    area: object
    edition: object
    section: object
    block: object
    data_block: object
    compile_job: object
    compiled: object
    unit_analysis: object
    attachment: object
    case_measure: object  # a planned measure on the complaint
    import_job: object


def _lexsarah(org, users):
    chef, inv_user, au = users["chef_a1"], users["investigator"], users["au"]
    case = ls.lexsarah_report_create(
        unit=org.units["A1"],
        actor=users["staff_a1"],
        reporter=users["staff_a1"],
        title=MARK["lexsarah"],
        description="Kvällspersonalen gav fel dos.",
        reporter_type="anstalld",
        notify=False,
    )
    ls.lexsarah_receive(case=case, actor=chef)
    case = ls.lexsarah_assign_investigator(case=case, assignee=inv_user, actor=chef)
    investigation = ls.investigation_create(cases=[case], actor=inv_user)
    investigation = ls.investigation_save_draft(
        investigation=investigation,
        expected_version=investigation.version,
        data={"events": "Förlopp", "proposed_measures": "Rutin"},
        actor=inv_user,
    )
    investigation = ls.investigation_assess(
        investigation=investigation,
        assessment=Assessment.SERIOUS,
        motivation="Allvarligt",
        actor=inv_user,
    )
    meeting = ls.au_meeting_create(held_on=timezone.localdate(), actor=au)
    item = ls.agenda_item_add(meeting=meeting, investigation=investigation, actor=au)
    # Decided with an IVO notification, so the IVO PDF exists.
    item = ls.agenda_item_decide(
        item=item, actor=au, measures_approved=True, severity=Assessment.SERIOUS, ivo=True
    )
    case.refresh_from_db()
    return case, investigation, meeting, item


def _selfcontrol(org, chef):
    plan = make_plan(
        chef,
        org.units["A1"],
        area=MARK["plan"],
        method_code="loggkontroll",
        frequency="quarterly",
        year=2025,
        sample_size=1,
    )
    run = sc.run_start(run=plan.runs.order_by("period_start").first(), actor=chef)
    row = AccessLog.objects.create(
        user=chef, action="read", case_reference="X", unit=org.units["A1"]
    )
    AccessLog.objects.filter(pk=row.pk).update(at=datetime(2025, 2, 1, 12, tzinfo=STHLM))
    sample = sc.run_draw_log_sample(run=run, actor=chef, seed=1)[0]
    return plan, run, sample


def _edition(org, quality):
    edition = edition_create(
        unit=org.units["ASF"],
        year=2025,
        template=ReportTemplate.objects.get(key="malmo-2025"),
        actor=quality,
        diarienummer="ASN-2026-00042",
        responsible="Förvaltningsdirektör",
        report_date=date(2026, 2, 27),
    )
    block = (
        ReportBlock.objects.filter(section__edition=edition, kind="text")
        .select_related("section")
        .order_by("id")
        .first()
    )
    data_block = (
        ReportBlock.objects.filter(section__edition=edition, kind="data").order_by("id").first()
    )
    job = job_create(kind=JOB_KIND, payload={"edition_id": edition.pk}, actor=quality)
    compiled = CompiledReport(
        edition=edition,
        job=job,
        sha256="0" * 64,
        size=len(PDF),
        edition_status=edition.status,
        created_by=quality,
    )
    compiled.file.save("sweep.pdf", ContentFile(PDF), save=False)
    compiled.save()
    return edition, block.section, block, data_block, job, compiled


def _delivery(org, quality, case):
    """A built archive delivery of ASF (rows set directly: the package build is tested in
    tests/archive)."""
    from cases.models import ArchiveDelivery

    delivery = ArchiveDelivery.objects.create(
        unit=org.units["ASF"],
        case_kind="lexsarah",
        closed_from=date(2025, 1, 1),
        closed_to=date(2025, 12, 31),
        status=ArchiveDelivery.Status.BUILT,
        package_name="avvika-leverans-sweep",
        package_sha256="0" * 64,
        created_by=quality,
    )
    delivery.package_file.save("sweep.zip", ContentFile(b"PK"), save=True)
    delivery.cases.set([case])
    return delivery


def build_world(org) -> World:
    users = dict(org.users)
    # A kvalitetsstrateg of another förvaltning: the out-of-scope case for the ASF edition.
    other = make_unit("ZZ", "Annan förvaltning", kind_code="forvaltning")
    users["quality_x"] = UserFactory(username="quality_x")
    member(users["quality_x"], other, Role.KVALITETSSTRATEG)
    chef, quality = users["chef_a1"], users["quality"]
    a1 = org.units["A1"]

    complaint = complaint_create(
        source="personal",
        unit=a1,
        complaint_type=code("complaint_type", "synpunkt"),
        title=MARK["complaint"],
        description="Rutinen för överlämning följs inte.",
        actor=users["staff_a1"],
        reporter=users["staff_a1"],
    ).complaint.case
    attachment = attachment_add(
        case=complaint, actor=chef, upload=SimpleUploadedFile("intyg.pdf", PDF, "application/pdf")
    )
    case_measure = measure_create(case=complaint, actor=chef, description="Genomgång på APT")
    deviation = deviation_create(
        unit=a1,
        title=MARK["deviation"],
        actor=users["staff_a1"],
        reporter=users["staff_a1"],
        description="Beslutet registrerades men skickades aldrig.",
    )
    lexsarah, investigation, meeting, item = _lexsarah(org, users)
    analysis = make_analysis(
        chef,
        [a1],
        title=MARK["analysis"],
        template=default_template(),
        risks=[("Digital post når inte fram", 3, 4)],
    )
    plan, run, sample = _selfcontrol(org, chef)
    supervision = make_supervision(
        quality, [a1], title=MARK["supervision"], decisions=[(date(2025, 5, 2), ["bemanning"])]
    )
    sup_measure = supervision_svc.supervision_measure_add(
        supervision=supervision, actor=quality, description="Checklista"
    )
    area = development_area_create(actor=chef, unit=a1, year_decided=2024, title=MARK["area"])
    edition, section, block, data_block, compile_job, compiled = _edition(org, quality)
    access_log_record(user=chef, case=complaint, action=AccessAction.READ, request=None)
    round_open(year=2025, actor=quality, due_date=date(2025, 6, 30))
    unit_analysis = UnitAnalysis.objects.get(unit=a1, round__year=2025)
    import_job = job_create(
        kind="import", payload={"file": "x", "filename": "x.csv"}, actor=quality
    )
    delivery = _delivery(org, quality, lexsarah)
    return World(
        org=org,
        delivery=delivery,
        users=users,
        complaint=complaint,
        deviation=deviation,
        lexsarah=lexsarah,
        investigation=investigation,
        meeting=meeting,
        agenda_item=item,
        analysis=analysis,
        risk=analysis.risks.order_by("-number").first(),
        plan=plan,
        run=run,
        sample=sample,
        supervision=supervision,
        sup_measure=sup_measure,
        area=area,
        edition=edition,
        section=section,
        block=block,
        data_block=data_block,
        compile_job=compile_job,
        compiled=compiled,
        unit_analysis=unit_analysis,
        attachment=attachment,
        import_job=import_job,
        case_measure=case_measure,
    )


def state_fingerprint() -> tuple:
    """Counts of every history table and of jobs: a refused POST must leave it unchanged.
    One query for all of them: the sweep takes ~750 fingerprints (54 COUNTs each were a
    third of its run time)."""
    from django.apps import apps
    from django.db import connection

    models = [m for m in apps.get_models() if m.__name__.startswith("Historical")] + [Job]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT count(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # table names from model metadata only
        return tuple(cursor.fetchone())


__all__ = ["MARK", "SimpleNamespace", "World", "build_world", "state_fingerprint"]
