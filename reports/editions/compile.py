"""Compiling a kvalitetsberättelse to PDF as a background job. The cases Job row is the
truth (pending → running → done/failed); Redis only wakes a worker. If the broker is down
the job stays pending, the page says so, and `compile_requeue_pending` (beat) sends it again.
Every compiled PDF is kept with time, author and sha256."""

import hashlib
import logging
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Job
from cases.queue import celery_app, task
from cases.services import ServiceError
from cases.services.history import audited_save
from cases.services.jobs import job_create, job_fail, job_finish, job_progress, job_start

from .models import CompiledReport, ReportEdition
from .selectors import edition_compute, edition_figures

logger = logging.getLogger(__name__)
JOB_KIND = "reports.compile"
BROKER_DOWN = "broker-unavailable"


def _enqueue(job_id: int) -> None:
    """Runs after commit. A dead broker must not break the request: note it on the job row
    (a narrow update like job_progress: the row is not audited workflow state)."""
    from django.conf import settings

    try:
        # The broker URL is read now, not at import: a moved or dead broker is seen at once.
        with celery_app().connection_for_write(settings.CELERY_BROKER_URL) as connection:
            task("reports.tasks.compile_edition").apply_async(
                args=[job_id], retry=False, connection=connection
            )
    except Exception:  # kombu raises several unrelated types when Redis is unreachable
        logger.warning("Broker unavailable, compile job %s stays pending", job_id, exc_info=True)
        Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(error=BROKER_DOWN)


@transaction.atomic
def edition_compile_request(*, edition: ReportEdition, actor) -> Job:
    edition = ReportEdition.objects.select_for_update().get(pk=edition.pk)
    if edition.is_frozen:
        raise ServiceError(_("Kvalitetsberättelsen är godkänd; den godkända PDF:en gäller."))
    running = Job.objects.filter(
        kind=JOB_KIND,
        payload__edition_id=edition.pk,
        status__in=[Job.Status.PENDING, Job.Status.RUNNING],
    ).first()
    if running:
        return running
    job = job_create(kind=JOB_KIND, payload={"edition_id": edition.pk}, actor=actor)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def edition_final_render_request(*, edition: ReportEdition, actor) -> Job:
    """After approval: render once more, now without the UTKAST marking (issue 17). The
    reviewed PDF stays the approved one until the final render shows the same figures."""
    job = job_create(kind=JOB_KIND, payload={"edition_id": edition.pk, "final": True}, actor=actor)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


@transaction.atomic
def _attach_final(edition: ReportEdition, compiled: CompiledReport, user) -> None:
    """The final render replaces the reviewed PDF as the approved one only if every figure
    is the same: the director signs what was reviewed, only without the draft marking. If the
    data moved in between, the reviewed PDF stays, and the history says why."""
    edition = ReportEdition.objects.select_for_update().get(pk=edition.pk)
    reviewed = edition.approved_pdf
    if reviewed is None or edition.status != ReportEdition.Status.APPROVED:
        return
    if reviewed.figures != compiled.figures:
        audited_save(
            edition,
            actor=user,
            reason=_(
                "Siffrorna har ändrats sedan granskningen: den granskade PDF:en (med "
                "UTKAST-märkning) är fortsatt den godkända."
            ),
        )
        return
    edition.approved_pdf = compiled
    audited_save(
        edition,
        actor=user,
        reason=_("Slutlig PDF utan UTKAST-märkning, med samma siffror som den granskade."),
    )


def render_edition_pdf(edition: ReportEdition, outline, generated_at=None) -> bytes:
    from cases.pdf import ARCHIVE_VARIANT, render_pdf

    from .pdf import pdf_context

    # PDF/A-3b: the approved PDF is what the e-archive receives (reports/archive.py).
    return render_pdf(
        "reports/pdf/edition.html", pdf_context(edition, outline, generated_at), ARCHIVE_VARIANT
    )


def edition_layout_problems(edition: ReportEdition, outline) -> list[str]:
    """The layout checks (reports/editions/layout.py) over the edition as it would print."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from .layout import layout_problems
    from .pdf import pdf_context

    html = render_to_string("reports/pdf/edition.html", pdf_context(edition, outline))
    return layout_problems(HTML(string=html, base_url=str(settings.BASE_DIR)).render())


def compile_run(*, job_id: int) -> CompiledReport | None:
    """The worker's service: idempotent (a finished or claimed job is left alone)."""
    job = job_start(job_id=job_id)
    if job is None:
        return None
    stored = CompiledReport.objects.filter(job=job).first()
    if stored is not None:
        # A previous attempt saved the PDF but died before marking the job done: finish it
        # with that PDF instead of rendering (and failing on) a second one.
        job_finish(job_id=job_id, result={"compiled_id": stored.pk, "sha256": stored.sha256})
        return stored
    try:
        edition = ReportEdition.objects.select_related("unit").get(pk=job.payload["edition_id"])
        user = (
            get_user_model().objects.filter(pk=job.created_by_id).first()
            if job.created_by_id is not None
            else None
        )

        def progress(done: int, total: int) -> None:
            job_progress(job_id=job_id, progress=5 + int(70 * done / max(total, 1)))

        job_progress(job_id=job_id, progress=5)
        outline = edition_compute(edition, user, progress)
        pdf = render_edition_pdf(edition, outline)
        job_progress(job_id=job_id, progress=95)
        compiled = _store(edition, job, user, pdf, edition_figures(edition, outline))
        if job.payload.get("final"):
            _attach_final(edition, compiled, user)
    except Exception as exc:
        logger.exception("Compile job %s failed", job_id)
        # The row records the failure; re-raising would only make the broker redeliver.
        job_fail(job_id=job_id, error=str(exc) or exc.__class__.__name__)
        return None
    job_finish(job_id=job_id, result={"compiled_id": compiled.pk, "sha256": compiled.sha256})
    return compiled


def _store(edition, job, user, pdf: bytes, figures: dict) -> CompiledReport:
    import io

    from pypdf import PdfReader

    compiled = CompiledReport(
        edition=edition,
        job=job,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        pages=len(PdfReader(io.BytesIO(pdf)).pages),
        edition_status=edition.status,
        edition_version=edition.version,
        figures=figures,
        created_by=user,
    )
    compiled.file.save(f"{edition.pk}.pdf", ContentFile(pdf), save=False)
    return audited_save(compiled, actor=user, reason=_("PDF kompilerad"))


def compile_requeue_pending(*, older_than: timedelta = timedelta(minutes=1)) -> list[int]:
    """Beat task body: pending compile jobs that never reached a worker are sent again."""
    cutoff = timezone.now() - older_than
    ids = list(
        Job.objects.filter(
            kind=JOB_KIND, status=Job.Status.PENDING, created_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for job_id in ids:
        Job.objects.filter(pk=job_id, error=BROKER_DOWN).update(error="")
        _enqueue(job_id)
    return ids
