"""Edition services: creation from the templates, structure edits, autosave with optimistic
locking, transitions and the frozen approved edition."""

from datetime import UTC, datetime, timedelta

import pytest

from cases.models import Job, Role
from cases.services import ConcurrentEditError, ServiceError, TransitionNotAllowed
from reports.editions import services
from reports.editions.compile import compile_run, edition_compile_request
from reports.editions.models import ReportBlock, ReportEdition, ReportSection
from reports.editions.selectors import edition_outline, walk
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def headings(e):
    return [n.heading for n in walk(edition_outline(e))]


def test_default_template_structure(edition):
    h = headings(edition)
    assert h[0] == "1 Inledning"
    assert "2 Uppföljning av utvecklingsområde 2025" in h
    assert "4.1.1 Klagomål och synpunkter till förvaltningen från utomstående" in h
    assert "4.1.3 Lex Sarah" in h
    assert "5.1 Beslut från IVO" in h and "5.3 Beslut från Justitiekanslern" in h
    assert "6 Prioriterade utvecklingsområden 2026" in h
    # The named appendices (issue 17), unnumbered in the editor.
    assert h[-3:] == [
        "Riskanalyser 2025",
        "Egenkontroller 2025",
        "Beslut från tillsynsmyndigheter 2025",
    ]
    assert edition.period.label == "1 januari–31 december 2025"
    assert edition.analysis_period.label == "1 juni 2024–31 maj 2025"
    assert edition.history.count() == 1


def test_custom_period(edition, org):
    services.edition_update(
        edition=edition,
        expected_version=edition.version,
        actor=org.users["quality"],
        data={"period_start_month": 9, "period_start_day": 1},
    )
    edition.refresh_from_db()
    assert edition.period.label == "1 september 2024–31 augusti 2025"


def test_add_rename_move_delete_sections(edition, org):
    actor = org.users["quality"]
    new = services.section_add(edition=edition, title="Barnkonventionen", actor=actor)
    assert "7 Barnkonventionen" in headings(edition)
    for _appendix in range(3):  # above the three appendices: still 7
        services.section_move(section=new, direction="up", actor=actor)
    assert "7 Barnkonventionen" in headings(edition)
    services.section_move(section=new, direction="up", actor=actor)
    assert "6 Barnkonventionen" in headings(edition)
    services.section_rename(section=new, title="Barnrättsperspektivet", actor=actor)
    assert "6 Barnrättsperspektivet" in headings(edition)
    intro = ReportSection.objects.get(edition=edition, title="Inledning")
    intro_pk = intro.pk
    services.section_delete(section=intro, actor=actor)
    assert headings(edition)[0] == "1 Uppföljning av utvecklingsområde 2025"
    assert ReportSection.history.filter(id=intro_pk, history_type="-").exists()


def test_autosave_with_optimistic_locking(edition, org):
    block = ReportBlock.objects.filter(section__edition=edition, kind="text").first()
    saved = services.block_text_save(
        block_id=block.pk, expected_version=block.version, text="Första", actor=org.users["quality"]
    )
    assert saved.version == block.version + 1
    with pytest.raises(ConcurrentEditError) as exc:
        services.block_text_save(
            block_id=block.pk,
            expected_version=block.version,
            text="Stale",
            actor=org.users["quality"],
        )
    assert exc.value.current.text == "Första"
    assert saved.history.first().history_change_reason == "Text sparad"


def test_data_blocks_cannot_be_written(edition, org):
    block = ReportBlock.objects.filter(section__edition=edition, kind="data").first()
    with pytest.raises(ServiceError):
        services.block_text_save(
            block_id=block.pk, expected_version=block.version, text="x", actor=org.users["quality"]
        )


def _colleague(org):
    """A second kvalitetsstrateg: the one who sends to review is not the one who approves."""
    colleague = UserFactory(username="quality_2")
    member(colleague, org.units["ASF"], Role.KVALITETSSTRATEG)
    return colleague


def test_transitions_and_frozen_approved(edition, org, django_capture_on_commit_callbacks):
    actor = org.users["quality"]
    with pytest.raises(TransitionNotAllowed):
        services.edition_approve(edition=edition, actor=actor)
    services.edition_submit_for_review(edition=edition, actor=_colleague(org))
    with pytest.raises(ServiceError):  # no PDF yet
        services.edition_approve(edition=edition, actor=actor)
    with pytest.raises(ServiceError):
        services.edition_return_to_draft(edition=edition, actor=actor, reason="")
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=actor)
    compiled = compile_run(job_id=job.pk)
    approved = services.edition_approve(edition=edition, actor=actor, reason="Nämnden beslutade")
    assert approved.status == ReportEdition.Status.APPROVED
    assert approved.approved_pdf == compiled and approved.approved_by == actor
    block = ReportBlock.objects.filter(section__edition=edition, kind="text").first()
    for attempt in (
        lambda: services.block_text_save(
            block_id=block.pk, expected_version=block.version, text="Ändrad", actor=actor
        ),
        lambda: services.section_add(edition=edition, title="Ny", actor=actor),
        lambda: services.edition_update(
            edition=edition, expected_version=approved.version, data={"title": "Ny"}, actor=actor
        ),
        lambda: edition_compile_request(edition=edition, actor=actor),
        lambda: services.edition_return_to_draft(edition=edition, actor=actor, reason="Ångra"),
    ):
        with pytest.raises(ServiceError):
            attempt()


def test_approval_requires_pdf_of_current_text(edition, org, django_capture_on_commit_callbacks):
    actor = org.users["quality"]
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=actor)
    compile_run(job_id=job.pk)
    block = ReportBlock.objects.filter(section__edition=edition, kind="text").first()
    services.block_text_save(
        block_id=block.pk, expected_version=block.version, text="Senare", actor=actor
    )
    services.edition_submit_for_review(edition=edition, actor=_colleague(org))
    with pytest.raises(ServiceError, match="Kompilera om"):
        services.edition_approve(edition=edition, actor=actor)


def test_duplicate_edition_refused(edition, org):
    with pytest.raises(ServiceError):
        services.edition_create(
            unit=edition.unit, year=2025, template=edition.template, actor=org.users["quality"]
        )


def test_retry_after_death_between_store_and_finish_keeps_one_pdf(
    edition, org, django_capture_on_commit_callbacks
):
    """A worker that saved the PDF but died before marking the job done: the retry finishes the
    job with that PDF (no second render, no failed job)."""
    from cases.models import Job
    from cases.services.jobs import jobs_requeue_stale
    from reports.editions.models import CompiledReport

    actor = org.users["quality"]
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=actor)
    compiled = compile_run(job_id=job.pk)
    # Simulate the crash window: the job row still says running.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, result={}, finished_at=None)
    assert jobs_requeue_stale(older_than=timedelta(0)) == [job.pk]

    again = compile_run(job_id=job.pk)

    job.refresh_from_db()
    assert again == compiled and job.status == Job.Status.DONE
    assert job.result["compiled_id"] == compiled.pk
    assert CompiledReport.objects.filter(edition=edition).count() == 1


def test_four_eyes_on_approval(edition, org, django_capture_on_commit_callbacks):
    """Found 7 of issue 15: the same kvalitetsstrateg could submit and approve. Now another
    one approves, or the submitter records why (an exception kept in the history)."""
    actor = org.users["quality"]
    services.edition_submit_for_review(edition=edition, actor=actor)
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=actor)
    compile_run(job_id=job.pk)
    with pytest.raises(ServiceError, match="En annan kvalitetsstrateg"):
        services.edition_approve(edition=edition, actor=actor)
    with pytest.raises(ServiceError, match="En annan kvalitetsstrateg"):
        services.edition_approve(edition=edition, actor=actor, exception_reason="   ")
    assert ReportEdition.objects.get(pk=edition.pk).status == ReportEdition.Status.REVIEW
    approved = services.edition_approve(
        edition=edition, actor=actor, exception_reason="Förvaltningen har en kvalitetsstrateg"
    )
    assert approved.status == ReportEdition.Status.APPROVED
    row = approved.history.first()
    assert row.history_user == actor
    assert "Förvaltningen har en kvalitetsstrateg" in row.history_change_reason


def test_another_kvalitetsstrateg_approves_without_exception(
    edition, org, django_capture_on_commit_callbacks
):
    services.edition_submit_for_review(edition=edition, actor=_colleague(org))
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=org.users["quality"])
    compile_run(job_id=job.pk)
    approved = services.edition_approve(edition=edition, actor=org.users["quality"])
    assert approved.status == ReportEdition.Status.APPROVED


def _pdf_text(compiled) -> str:
    import io

    from pypdf import PdfReader

    with compiled.file.open("rb") as fh:
        return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(fh.read())).pages)


def _approve_and_render_final(edition, org, django_capture_on_commit_callbacks, between=None):
    services.edition_submit_for_review(edition=edition, actor=_colleague(org))
    with django_capture_on_commit_callbacks(execute=False):
        job = edition_compile_request(edition=edition, actor=org.users["quality"])
    reviewed = compile_run(job_id=job.pk)
    with django_capture_on_commit_callbacks(execute=False):
        services.edition_approve(edition=edition, actor=org.users["quality"])
    final_job = Job.objects.filter(payload__final=True, payload__edition_id=edition.pk).get()
    if between:
        between()
    final = compile_run(job_id=final_job.pk)
    edition.refresh_from_db()
    return reviewed, final


def test_approval_renders_the_final_pdf_without_the_draft_marking(
    edition, org, django_capture_on_commit_callbacks
):
    """Issue 17: the reviewed PDF says UTKAST; the approved one the director signs does not,
    and it shows the same figures."""
    reviewed, final = _approve_and_render_final(edition, org, django_capture_on_commit_callbacks)
    assert "UTKAST" in _pdf_text(reviewed)
    assert "UTKAST" not in _pdf_text(final)
    assert edition.approved_pdf == final and final.figures == reviewed.figures
    assert "Slutlig PDF utan UTKAST" in edition.history.first().history_change_reason


def test_final_pdf_with_other_figures_leaves_the_reviewed_one_approved(
    edition, org, django_capture_on_commit_callbacks
):
    from tests.reports.edition_data import complaint

    def a_new_case_arrives():
        # A resident's complaint in the edition's year (2025) for its förvaltning: counts move.
        complaint(org.units["A1"], datetime(2025, 6, 10, 12, tzinfo=UTC))

    reviewed, final = _approve_and_render_final(
        edition, org, django_capture_on_commit_callbacks, between=a_new_case_arrives
    )
    assert final.figures != reviewed.figures
    assert edition.approved_pdf == reviewed
    assert "Siffrorna har ändrats" in edition.history.first().history_change_reason
