from cases.models import CaseLink
from lexsarah.models import LegalReference, LexSarahReport
from lexsarah.services import lexsarah_report_create
from tests.factories import make_case


def test_create_links_source_and_notifies_chef(
    org, mailoutbox, celery_eager, django_capture_on_commit_callbacks
):
    staff = org.users["staff_a1"]
    source = make_case(org.units["A1"], actor=staff)
    with django_capture_on_commit_callbacks(execute=True):
        case = lexsarah_report_create(
            unit=org.units["A1"],
            title="Fall",
            description="Det hände.",
            actor=staff,
            reporter=staff,
            source_case=source,
            reporter_type="anstalld",
        )
    assert case.kind == "lexsarah" and case.reference.startswith("LS-")
    assert LexSarahReport.objects.get(pk=case.pk).reporter_type.code == "anstalld"
    assert CaseLink.objects.filter(source=source, target=case).exists()
    assert [m.to for m in mailoutbox] == [[org.users["chef_a1"].email]]
    assert LegalReference.objects.count() == 4
