"""Kvalitetsberättelse pages. Every view: PermissionMixin (login → 403 without the role) and
editions from `editions_visible_to` (out of scope → 404). Writes are POST-only and call one
service; autosave answers htmx with a small status fragment (409 on a version conflict)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from cases.forms import ReasonForm
from cases.models import Job
from cases.services import ConcurrentEditError, ServiceError
from cases.views.mixins import PermissionMixin

from . import services
from .blocks import BLOCK_TYPES, compute_block
from .blocks.charts import svg_data_uri
from .compile import BROKER_DOWN, JOB_KIND, edition_compile_request
from .forms import (
    DataBlockForm,
    EditionCreateForm,
    EditionMetaForm,
    LogoForm,
    NewSectionForm,
    SectionForm,
)
from .models import CompiledReport, ReportBlock, ReportEdition, ReportSection
from .selectors import (
    EDIT_ROLES,
    edition_outline,
    edition_scope,
    edition_submitter,
    editions_visible_to,
)


class EditionMixin(PermissionMixin):
    required_roles = EDIT_ROLES

    def get_edition(self) -> ReportEdition:
        if not hasattr(self, "_edition"):
            self._edition = get_object_or_404(
                editions_visible_to(self.request.user), pk=self.kwargs["pk"]
            )
        return self._edition


class EditionListView(EditionMixin, ListView):
    template_name = "reports/edition_list.html"
    context_object_name = "editions"
    paginate_by = 50

    def get_queryset(self):
        return editions_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = kwargs.get("form") or EditionCreateForm(user=self.request.user)
        return ctx


class EditionCreateView(EditionMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        form = EditionCreateForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                edition = services.edition_create(
                    unit=form.cleaned_data["unit"],
                    year=form.cleaned_data["year"],
                    template=form.cleaned_data["template"],
                    title=form.cleaned_data["title"],
                    actor=request.user,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Kvalitetsberättelsen skapades."))
                return redirect(edition)
        view = EditionListView(request=request, kwargs={}, args=())
        view.roles, view.object_list = self.roles, view.get_queryset()
        return render(
            request, "reports/edition_list.html", view.get_context_data(form=form), status=400
        )


class EditionDetailView(EditionMixin, DetailView):
    template_name = "reports/edition_detail.html"
    context_object_name = "edition"

    def get_object(self, queryset=None):
        return self.get_edition()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        edition = self.object
        ctx.update(
            outline=edition_outline(edition),
            logo_form=LogoForm(),
            meta_form=kwargs.get("meta_form")
            or EditionMetaForm(instance=edition, initial={"version": edition.version}),
            section_form=NewSectionForm(),
            block_form=DataBlockForm(),
            reason_form=ReasonForm(),
            compiled=edition.compiled.select_related("created_by")[:20],
            job=Job.objects.filter(kind=JOB_KIND, payload__edition_id=edition.pk)
            .order_by("-created_at")
            .first(),
            block_types=BLOCK_TYPES,
        )
        if edition.status == ReportEdition.Status.REVIEW:
            submitter = edition_submitter(edition)
            ctx["own_submission"] = submitter is not None and submitter.pk == self.request.user.pk
        return ctx


class EditionPostView(EditionMixin, View):
    """POST-only: one service, messages for ServiceError, back to the edition page."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self, edition):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        edition = self.get_edition()
        try:
            self.perform(edition)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return redirect(self.get_success_url(edition))

    def get_success_url(self, edition) -> str:
        return edition.get_absolute_url()

    def section(self, edition) -> ReportSection:
        return get_object_or_404(ReportSection, pk=self.kwargs["section_pk"], edition=edition)


class EditionMetaView(EditionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        edition = self.get_edition()
        form = EditionMetaForm(request.POST, instance=ReportEdition.objects.get(pk=edition.pk))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.edition_update(
                    edition=edition,
                    expected_version=form.cleaned_data["version"],
                    data=data,
                    actor=request.user,
                )
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Uppgifterna sparades."))
                return redirect(edition)
        view = EditionDetailView(request=request, kwargs={"pk": pk}, args=())
        view.roles, view.object = self.roles, edition
        return render(
            request, view.template_name, view.get_context_data(meta_form=form), status=400
        )


class LogoView(EditionPostView):
    """Upload (or, with `clear`, remove) the cover logo. The file is checked and an SVG
    rebuilt by the service; a refused file gives the Swedish reason as a message."""

    success_message = _("Logotypen sparades.")

    def perform(self, edition):
        if self.request.POST.get("clear"):
            services.edition_logo_clear(edition=edition, actor=self.request.user)
            return
        form = LogoForm(self.request.POST, self.request.FILES)
        if not form.is_valid():
            raise ServiceError(_("Välj en PNG- eller SVG-fil."))
        upload = form.cleaned_data["logo"]
        if upload.size > 1024 * 1024:
            raise ServiceError(_("Logotypen måste vara en PNG- eller SVG-fil på högst 1 MB."))
        services.edition_logo_set(
            edition=edition, name=upload.name, data=upload.read(), actor=self.request.user
        )


class SectionAddView(EditionPostView):
    success_message = _("Avsnittet lades till.")

    def perform(self, edition):
        form = NewSectionForm(self.request.POST)
        if not form.is_valid():
            raise ServiceError(_("Ange en rubrik för avsnittet."))
        parent = None
        if form.cleaned_data["parent"]:
            parent = get_object_or_404(
                ReportSection, pk=form.cleaned_data["parent"], edition=edition
            )
        services.section_add(
            edition=edition,
            title=form.cleaned_data["title"],
            parent=parent,
            is_appendix=form.cleaned_data["is_appendix"],
            actor=self.request.user,
        )


class SectionRenameView(EditionPostView):
    success_message = _("Rubriken sparades.")

    def perform(self, edition):
        form = SectionForm(self.request.POST)
        if not form.is_valid():
            raise ServiceError(_("Ange en rubrik för avsnittet."))
        services.section_rename(
            section=self.section(edition), title=form.cleaned_data["title"], actor=self.request.user
        )


class SectionDeleteView(EditionPostView):
    success_message = _("Avsnittet togs bort.")

    def perform(self, edition):
        services.section_delete(section=self.section(edition), actor=self.request.user)


class SectionMoveView(EditionPostView):
    def perform(self, edition):
        direction = "up" if self.request.POST.get("direction") == "up" else "down"
        services.section_move(
            section=self.section(edition), direction=direction, actor=self.request.user
        )


class BlockAddView(EditionPostView):
    success_message = _("Blocket lades till.")

    def perform(self, edition):
        section = self.section(edition)
        if self.request.POST.get("block_type", "") == "":
            services.block_add(section=section, actor=self.request.user)
            return
        form = DataBlockForm(self.request.POST)
        if not form.is_valid():
            raise ServiceError(_("Välj ett datablock."))
        services.block_add(
            section=section,
            block_type=form.cleaned_data["block_type"],
            params=form.params(),
            actor=self.request.user,
        )


class BlockDeleteView(EditionPostView):
    success_message = _("Blocket togs bort.")

    def perform(self, edition):
        block = get_object_or_404(ReportBlock, pk=self.kwargs["block_pk"], section__edition=edition)
        services.block_delete(block=block, actor=self.request.user)


class BlockSaveView(EditionMixin, View):
    """Autosave of a narrative block (htmx). 200 with "Sparat", 409 with both texts on a
    version conflict (the user's text stays in the textarea), 400 if frozen."""

    http_method_names = ["post"]

    def post(self, request, pk, block_pk):
        edition = self.get_edition()
        block = get_object_or_404(ReportBlock, pk=block_pk, section__edition=edition)
        text = request.POST.get("text", "")
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        ctx = {"edition": edition, "block": block}
        try:
            saved = services.block_text_save(
                block_id=block.pk, expected_version=version, text=text, actor=request.user
            )
        except ConcurrentEditError as exc:
            ctx.update(conflict=exc.current, message=str(exc))
            return render(request, "reports/_block_status.html", ctx, status=409)
        except ServiceError as exc:
            ctx.update(error=str(exc), version=version)
            return render(request, "reports/_block_status.html", ctx, status=400)
        ctx.update(block=saved, saved_at=timezone.localtime())
        return render(request, "reports/_block_status.html", ctx)


class BlockPreviewView(EditionMixin, View):
    """The live figures beside the text: one data block computed on request (htmx)."""

    def get(self, request, pk, block_pk):
        edition = self.get_edition()
        block = get_object_or_404(
            ReportBlock, pk=block_pk, section__edition=edition, kind=ReportBlock.Kind.DATA
        )
        result = compute_block(block.block_type, block.params, edition_scope(edition, request.user))
        for chart in result.get("charts", []):
            chart["uri"] = svg_data_uri(chart["svg"])
        # The editor offers the block's suggested sentence for the section's text.
        ctx = {"result": result, "block": block, "editor": not edition.is_frozen}
        return render(request, "reports/_block_result.html", ctx)


class TransitionView(EditionPostView):
    action = ""

    def perform(self, edition):
        reason = self.request.POST.get("reason", "")
        user = self.request.user
        if self.action == "submit":
            services.edition_submit_for_review(edition=edition, actor=user, reason=reason)
        elif self.action == "return":
            services.edition_return_to_draft(edition=edition, actor=user, reason=reason)
        else:
            services.edition_approve(
                edition=edition,
                actor=user,
                reason=reason,
                exception_reason=self.request.POST.get("exception_reason", ""),
            )
        self.success_message = (
            _("Status: %s.") % ReportEdition.objects.get(pk=edition.pk).get_status_display()
        )


class CompileView(EditionMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        edition = self.get_edition()
        try:
            job = edition_compile_request(edition=edition, actor=request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect(edition)
        return redirect("reports:edition_job", pk=edition.pk, job_pk=job.pk)


class JobView(EditionMixin, View):
    """The progress page; htmx polls the same URL for the bar fragment until it is finished."""

    def get(self, request, pk, job_pk):
        edition = self.get_edition()
        job = get_object_or_404(Job, pk=job_pk, kind=JOB_KIND, payload__edition_id=edition.pk)
        compiled = CompiledReport.objects.filter(job=job).first()
        ctx = {
            "edition": edition,
            "job": job,
            "compiled": compiled,
            "broker_down": job.status == Job.Status.PENDING and job.error == BROKER_DOWN,
            "poll_url": reverse("reports:edition_job", args=[edition.pk, job.pk]),
        }
        template = "reports/_job_progress.html" if request.htmx else "reports/job.html"
        return render(request, template, ctx)


class CompiledDownloadView(EditionMixin, View):
    """PDFs only through this permission-checked view (MEDIA is never served)."""

    def get(self, request, pk, compiled_pk=None):
        edition = self.get_edition()
        if compiled_pk is None:
            compiled = edition.approved_pdf or edition.compiled.first()
        else:
            compiled = get_object_or_404(CompiledReport, pk=compiled_pk, edition=edition)
        if compiled is None:
            raise Http404
        name = f"kvalitetsberattelse-{edition.year}-{compiled.created_at:%Y%m%d-%H%M}.pdf"
        response = FileResponse(
            compiled.file.open("rb"),
            content_type="application/pdf",
            as_attachment=True,
            filename=name,
        )
        response["Cache-Control"] = "no-store"
        return response
