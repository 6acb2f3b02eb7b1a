"""The import applier (bulk, with history) and gallring of lex Sarah cases."""

from django.utils import timezone

from cases.archive.services import retention_class_set
from cases.imports import import_cases_file
from cases.models import Case
from cases.retention import case_scrub
from lexsarah import services as svc
from lexsarah.models import Assessment, ImmediateMeasure, IvoNotification, LexSarahReport

HEADER = "typ,extern_referens,enhet,inkom,avslutad,rubrik,bedomning,au_datum,ivo_anmald,ivo_beslut_datum,ivo_beslut\n"


def test_import_rows_get_report_and_ivo(org):
    data = (
        HEADER
        + "lex_sarah,X-1,A1,2023-02-01,2023-05-01,Fall 1,allvarligt,2023-03-10,2023-03-12,2023-06-01,kritik\n"
        + "lex_sarah,X-2,A1,2023-02-03,,Fall 2,inget,,,,\n"
    ).encode()
    result = import_cases_file(data, "ls.csv", user=org.users["quality"])
    assert result.created == 2
    first = LexSarahReport.objects.get(case__external_reference="X-1")
    assert first.assessment == Assessment.SERIOUS and str(first.au_date) == "2023-03-10"
    assert first.history.count() == 1
    ivo = IvoNotification.objects.get(report=first)
    assert str(ivo.sent_on) == "2023-03-12" and ivo.decision_outcome == "kritik"
    second = LexSarahReport.objects.get(case__external_reference="X-2")
    assert (
        second.assessment == "inget" and not IvoNotification.objects.filter(report=second).exists()
    )


def test_scrub_removes_text_keeps_assessment(org, make_report):
    chef, inv_user = org.users["chef_a1"], org.users["investigator"]
    case = make_report(persons_affected="Boende på avdelning 2")
    svc.lexsarah_receive(case=case, actor=chef, immediate_measure="Ringde anhöriga")
    inv = svc.investigation_create(cases=[case], actor=chef, investigator=inv_user)
    svc.investigation_save_draft(
        investigation=inv,
        expected_version=inv.version,
        actor=inv_user,
        data={"events": "Känslig text"},
    )
    svc.investigation_assess(
        investigation=inv, assessment=Assessment.NONE, motivation="Ingen", actor=inv_user
    )
    svc.lexsarah_close(case=case, actor=chef, reason="Klart")
    # The plan keeps lex Sarah by default (issue 21); this test is about what gallring removes.
    for subject in ("lexsarah", "lexsarah.investigation"):
        retention_class_set(
            subject=subject,
            disposition="gallras_efter",
            years=10,
            decision_reference="Testplan",
            actor=org.users["quality"],
            reason="Test",
        )
    case_scrub(case=Case.objects.get(pk=case.pk))
    report = LexSarahReport.objects.get(pk=case.pk)
    assert report.persons_affected == "" and report.assessment == Assessment.NONE
    assert not report.history.exclude(persons_affected="").exists()
    assert ImmediateMeasure.objects.get(report=report).text == ""
    inv.refresh_from_db()
    assert inv.events == "" and not inv.history.filter(events="Känslig text").exists()
    assert Case.objects.get(pk=case.pk).anonymised_at <= timezone.now()
