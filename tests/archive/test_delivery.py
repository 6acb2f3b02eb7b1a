"""Arkivleverans (issue 21, Must show): a delivery of closed lex Sarah cases builds a package
that eark-validator 1.1.3 reports valid, whose PDFs are PDF/A, whose checksums match, and the
cases are not gallrade before the archive's receipt but may be after it."""

import hashlib
import io
import re
import threading
import urllib.request
import zipfile
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone
from pypdf import PdfReader

from cases.archive.services import (
    archive_delivery_create,
    archive_delivery_create_item,
    archive_delivery_receipt,
    retention_class_set,
)
from cases.models import ArchiveDelivery, Case
from cases.retention import SCRUBBED_TITLE, case_scrub, retention_run
from cases.services.errors import ServiceError
from cases.tasks import build_archive_delivery
from lexsarah import services as svc
from lexsarah.models import Assessment

pytestmark = pytest.mark.django_db

VOCABULARIES = Path(__file__).with_name("vocabularies")
VOCABULARY_HOST = "https://earkcsip.dilcis.eu/schema/"
METS = "{http://www.loc.gov/METS/}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# SIP14 in eark-validator 1.1.3 demands an unqualified @NOTETYPE="IDENTIFICATIONCODE" on every
# note of a CREATOR agent, while CSIP15/16 demand exactly one such note with
# csip:NOTETYPE="SOFTWARE VERSION" and the METS schema refuses an unqualified attribute there
# (anyAttribute ##other; tried: the schema check then fails). No schema-valid package meets all
# three, so this one rule is reported and set aside; every other rule must pass.
UNSATISFIABLE = {"SIP14"}


class _Quiet(SimpleHTTPRequestHandler):
    served: list[str] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        type(self).served.append(self.path)
        super().do_GET()


class _ToLocal(urllib.request.BaseHandler):
    """Sends the validator's requests for the CSIP vocabularies to the local server."""

    handler_order = 100

    def __init__(self, base: str):
        self.base = base

    def https_open(self, req):
        if req.full_url.startswith(VOCABULARY_HOST):
            return urllib.request.urlopen(self.base + req.full_url[len(VOCABULARY_HOST) :])
        return None


@pytest.fixture(scope="module")
def validator():
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(VOCABULARIES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    urllib.request.install_opener(
        urllib.request.build_opener(_ToLocal(f"http://127.0.0.1:{server.server_port}/"))
    )
    try:
        # The import reads the four vocabularies (module-level SchematronTests()).
        from eark_validator import packages

        yield packages
    finally:
        urllib.request.install_opener(None)
        server.shutdown()


def _is_pdf_a_3b(data: bytes) -> bool:
    """The PDF's XMP metadata claims PDF/A-3b."""
    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    return bool(
        re.search(r"pdfaid:part(>|=\")3", xmp) and re.search(r"pdfaid:conformance(>|=\")B", xmp)
    )


def _closed_report(org, make_report, title: str):
    chef, inv_user = org.users["chef_a1"], org.users["investigator"]
    case = make_report(title=title, persons_affected="Boende på avdelning 2")
    svc.lexsarah_receive(case=case, actor=chef, immediate_measure="Ringde anhöriga")
    inv = svc.investigation_create(cases=[case], actor=chef, investigator=inv_user)
    svc.investigation_save_draft(
        investigation=inv,
        expected_version=inv.version,
        actor=inv_user,
        data={"events": "Händelseförloppet i detalj"},
    )
    svc.investigation_assess(
        investigation=inv, assessment=Assessment.NONE, motivation="Ingen brist", actor=inv_user
    )
    svc.lexsarah_close(case=case, actor=chef, reason="Klart")
    # Test setup: closed long ago, past every gallring time.
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=365 * 12))
    return Case.objects.get(pk=case.pk)


def _deliver(org, cases, django_capture_on_commit_callbacks):
    quality = org.users["quality"]
    closed = [c.closed_at.date() for c in cases]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = archive_delivery_create(
            unit=org.units["ASF"],
            case_kind="lexsarah",
            closed_from=min(closed),
            closed_to=max(closed),
            actor=quality,
        )
    assert len(callbacks) == 1  # the build is enqueued on commit
    # What the worker does with the enqueued id (the task itself, run in this process).
    assert build_archive_delivery(delivery.pk) == ArchiveDelivery.Status.BUILT
    delivery.refresh_from_db()
    return delivery


def test_package_is_valid_pdf_a_with_matching_checksums(
    org, make_report, validator, tmp_path, django_capture_on_commit_callbacks
):
    cases = [_closed_report(org, make_report, t) for t in ("Fel dos", "Fall i korridor")]
    delivery = _deliver(org, cases, django_capture_on_commit_callbacks)
    assert set(delivery.cases.all()) == set(cases)

    data = delivery.package_file.read()
    assert hashlib.sha256(data).hexdigest() == delivery.package_sha256
    package = tmp_path / "package.zip"
    package.write_bytes(data)

    report = validator.PackageValidator(package).validation_report
    from eark_validator.model.validation_report import MetadataStatus, StructureStatus

    assert report.structure.status == StructureStatus.WELLFORMED, report.structure.messages
    schema_errors = [m.message for m in report.metadata.schema_results.messages]
    assert report.metadata.schema_results.status == MetadataStatus.VALID, schema_errors
    rule_errors = {
        m.rule_id: m.message
        for m in report.metadata.schematron_results.messages
        if m.severity.name == "ERROR"
    }
    assert set(rule_errors) - UNSATISFIABLE == set(), rule_errors
    assert len(_Quiet.served) >= 4  # the vocabularies came from the local server

    with zipfile.ZipFile(package) as zf:
        zf.extractall(tmp_path / "x")
    root = tmp_path / "x" / delivery.package_name
    mets = ET.parse(root / "METS.xml").getroot()
    referenced = mets.findall(f".//{METS}file") + mets.findall(f".//{METS}mdRef")
    pdfs = []
    for element in referenced:
        location = element.find(f"{METS}FLocat") if element.tag == f"{METS}file" else element
        path = root / location.get(XLINK_HREF)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == element.get("CHECKSUM"), path
        assert path.stat().st_size == int(element.get("SIZE"))
        if path.suffix == ".pdf":
            pdfs.append(path)
    # Each case: the case file, the investigation; all PDF/A-3b by their XMP metadata.
    assert len(pdfs) == 4
    for path in pdfs:
        assert _is_pdf_a_3b(path.read_bytes()), path

    descriptive = (root / "metadata/descriptive/arenden.xml").read_text()
    for case in cases:
        assert f"<fgs:Diarienummer>{case.reference}</fgs:Diarienummer>" in descriptive
    assert 'typ="bevaras"' in descriptive and "OSL 26 kap. 1 §" in descriptive
    premis = (root / "metadata/preservation/premis.xml").read_text()
    assert "Klart" in premis  # the closing reason, from the history
    manifest = (root / "documentation/innehallsforteckning.html").read_text()
    assert all(case.reference in manifest for case in cases)


def test_gallring_refused_before_receipt_and_allowed_after(
    org, make_report, django_capture_on_commit_callbacks
):
    case = _closed_report(org, make_report, "Fel dos")
    with pytest.raises(ServiceError, match="arkivet har inte kvitterat"):
        case_scrub(case=case)
    run = retention_run()
    assert run.counts["lexsarah"] == 0 and run.counts["vantar_pa_arkivleverans"] == 1

    delivery = _deliver(org, [case], django_capture_on_commit_callbacks)
    with pytest.raises(ServiceError):  # built but not receipted: still refused
        case_scrub(case=Case.objects.get(pk=case.pk))
    assert Case.objects.get(pk=case.pk).title == "Fel dos"

    archive_delivery_receipt(
        delivery=delivery, receipt_reference="KA 2026/117", actor=org.users["quality"]
    )
    delivery.refresh_from_db()
    assert delivery.status == ArchiveDelivery.Status.RECEIPTED
    assert not delivery.package_file  # the archive holds it; checksum and manifest stay
    assert delivery.package_sha256 and delivery.manifest["cases"][0]["title"] == "Fel dos"
    last = delivery.history.first()
    assert last.history_user == org.users["quality"] and last.history_change_reason

    run = retention_run()
    assert run.counts["lexsarah"] == 1
    assert Case.objects.get(pk=case.pk).title == SCRUBBED_TITLE
    delivery.refresh_from_db()
    entry = delivery.manifest["cases"][0]
    assert entry["reference"] == case.reference and entry["title"] == SCRUBBED_TITLE
    assert all(f["title"] == "" and f["sha256"] for f in entry["files"])


def test_retention_class_is_audited_and_gates_gallring(org, make_report):
    case = _closed_report(org, make_report, "Fel dos")
    with pytest.raises(ServiceError):
        retention_class_set(
            subject="lexsarah",
            disposition="gallras_efter",
            years=None,
            decision_reference="SN 2026-03-01 § 12",
            actor=org.users["quality"],
            reason="Ny plan",
        )
    for subject in ("lexsarah", "lexsarah.investigation"):
        retention_class_set(
            subject=subject,
            disposition="gallras_efter",
            years=10,
            decision_reference="SN 2026-03-01 § 12",
            actor=org.users["quality"],
            reason="Ny dokumenthanteringsplan",
        )
    from cases.models import RetentionClass

    row = RetentionClass.objects.get(subject="lexsarah")
    assert row.history.first().history_user == org.users["quality"]
    assert row.history.first().history_change_reason == "Ny dokumenthanteringsplan"
    case_scrub(case=case)  # no longer "bevaras": gallring is allowed without a delivery
    assert Case.objects.get(pk=case.pk).title == SCRUBBED_TITLE


def test_only_the_arkivansvarig_delivers(org, make_report):
    from django.core.exceptions import PermissionDenied

    case = _closed_report(org, make_report, "Fel dos")
    with pytest.raises(PermissionDenied):
        archive_delivery_create(
            unit=org.units["ASF"],
            case_kind="lexsarah",
            closed_from=case.closed_at.date(),
            closed_to=case.closed_at.date(),
            actor=org.users["chef_a1"],
        )


def test_approved_kvalitetsberattelse_is_delivered_as_approved(
    org, edition, validator, tmp_path, django_capture_on_commit_callbacks
):
    from reports.editions import services as editions
    from reports.editions.compile import compile_run, edition_compile_request

    quality = org.users["quality"]
    editions.edition_submit_for_review(edition=edition, actor=quality)
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=quality)
    compiled = compile_run(job_id=job.pk)
    editions.edition_approve(
        edition=edition,
        actor=quality,
        reason="Nämnden beslutade",
        exception_reason="Ensam kvalitetsstrateg",
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delivery = archive_delivery_create_item(
            source="kvalitetsberattelse", item_id=edition.pk, actor=quality
        )
    assert len(callbacks) == 1
    assert build_archive_delivery(delivery.pk) == ArchiveDelivery.Status.BUILT
    with pytest.raises(ServiceError):  # one delivery per approved edition
        archive_delivery_create_item(
            source="kvalitetsberattelse", item_id=edition.pk, actor=quality
        )
    delivery.refresh_from_db()
    package = tmp_path / "kb.zip"
    package.write_bytes(delivery.package_file.read())
    report = validator.PackageValidator(package).validation_report
    rule_errors = {
        m.rule_id for m in report.metadata.schematron_results.messages if m.severity.name == "ERROR"
    }
    assert not report.metadata.schema_results.messages and rule_errors <= UNSATISFIABLE
    with zipfile.ZipFile(package) as zf:
        name = next(n for n in zf.namelist() if n.endswith("kvalitetsberattelse-2025.pdf"))
        pdf = zf.read(name)
        descriptive = zf.read(f"{delivery.package_name}/metadata/descriptive/arenden.xml")
    # Exactly the approved file, and it is PDF/A.
    assert hashlib.sha256(pdf).hexdigest() == compiled.sha256
    assert _is_pdf_a_3b(pdf)
    assert "ASN-2026-00042" in descriptive.decode() and 'typ="bevaras"' in descriptive.decode()


def test_failed_build_is_recorded_and_frees_its_cases(
    org, make_report, django_capture_on_commit_callbacks
):
    case = _closed_report(org, make_report, "Fel dos")
    day = case.closed_at.date()
    with django_capture_on_commit_callbacks(execute=False):
        delivery = archive_delivery_create(
            unit=org.units["ASF"],
            case_kind="lexsarah",
            closed_from=day,
            closed_to=day,
            actor=org.users["quality"],
        )
    # Test setup: a source no app registers makes the build fail.
    ArchiveDelivery.objects.filter(pk=delivery.pk).update(source="okand", source_id=1)
    assert build_archive_delivery(delivery.pk) == ArchiveDelivery.Status.FAILED
    delivery.refresh_from_db()
    assert "okand" in delivery.error and not delivery.package_file
    assert build_archive_delivery(delivery.pk) == ArchiveDelivery.Status.FAILED  # idempotent
    with pytest.raises(ServiceError, match="arkivet har inte kvitterat"):
        case_scrub(case=Case.objects.get(pk=case.pk))
    with django_capture_on_commit_callbacks(execute=False):
        again = archive_delivery_create(
            unit=org.units["ASF"],
            case_kind="lexsarah",
            closed_from=day,
            closed_to=day,
            actor=org.users["quality"],
        )
    assert list(again.cases.all()) == [case]
