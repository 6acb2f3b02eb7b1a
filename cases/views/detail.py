"""The shared case page: facts, type-specific part, measures, notes, attachments, links,
history. Every GET is written to the access log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from cases.forms import AttachmentForm, MeasureForm, NoteForm
from cases.history import case_history_entries
from cases.models import AccessAction, Attachment, Code, CodeList
from cases.registry import case_type_or_none
from cases.selectors import case_get_visible, cases_handleable_by, cases_reported_by
from cases.selectors.links import case_links_visible
from cases.services import ServiceError
from cases.services.access import access_log_record
from cases.services.parts import attachment_add, measure_create, note_add

from .mixins import PermissionMixin


class CaseMixin(PermissionMixin):
    """Loads the case from the user's visible queryset (404 otherwise) and logs the read."""

    log_action = AccessAction.READ

    def get_case(self):
        if not hasattr(self, "_case"):
            self._case = case_get_visible(self.request.user, self.kwargs["reference"])
        return self._case

    def can_handle(self, case) -> bool:
        return cases_handleable_by(self.request.user).filter(pk=case.pk).exists()

    def require_handle(self, case) -> None:
        if not self.can_handle(case):
            raise PermissionDenied


class CaseDetailView(CaseMixin, TemplateView):
    template_name = "cases/detail.html"
    tab = "overview"

    def get(self, request, *args, **kwargs):
        try:
            case = self.get_case()
        except Http404:
            # The reporter's own case: a status-only page, never the handling.
            own = cases_reported_by(request.user).filter(reference=kwargs["reference"]).first()
            if own is None:
                raise
            return render(request, "cases/reporter_status.html", {"case": own})
        access_log_record(user=request.user, case=case, action=self.log_action, request=request,
                          detail=self.tab)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        case = self.get_case()
        ctx.update(case=case, tab=self.tab, can_handle=self.can_handle(case))
        ui = case_type_or_none(case.kind)
        if ui:
            try:
                get_template(ui.detail_template)
                ctx["type_template"] = ui.detail_template
                if ui.detail_context:
                    ctx.update(ui.detail_context(self.request, case))
            except TemplateDoesNotExist:
                pass
        if self.tab == "overview":
            ctx["measures"] = case.measures.select_related("measure_type", "responsible")
            ctx["notes"] = case.notes.select_related("author")
            ctx["attachments"] = case.attachments.all()
            ctx["links"] = case_links_visible(self.request.user, case)
            ctx["note_form"] = NoteForm()
            ctx["attachment_form"] = AttachmentForm()
            form = MeasureForm()
            form.fields["measure_type"].queryset = Code.choices_for(CodeList.MEASURE_TYPE)
            ctx["measure_form"] = form
        elif self.tab == "history":
            ctx["history"] = case_history_entries(case, reader=self.request.user)
        return ctx


class CaseHistoryView(CaseDetailView):
    tab = "history"


class _CasePartPost(CaseMixin, View):
    """POST-only: add a note, measure or attachment, each through exactly one service."""

    form_class = NoteForm

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        self.require_handle(case)
        form = self.form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                self.save(case, form)
                messages.success(request, self.success_message)
            except ServiceError as exc:
                messages.error(request, str(exc))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(case.get_absolute_url())


class NoteAddView(_CasePartPost):
    form_class = NoteForm
    success_message = _("Anteckningen sparades.")

    def save(self, case, form):
        note_add(case=case, text=form.cleaned_data["text"], actor=self.request.user)


class MeasureAddView(_CasePartPost):
    form_class = MeasureForm
    success_message = _("Åtgärden sparades.")

    def save(self, case, form):
        measure_create(case=case, actor=self.request.user, **form.cleaned_data)


class AttachmentAddView(_CasePartPost):
    form_class = AttachmentForm
    success_message = _("Bilagan sparades.")

    def save(self, case, form):
        attachment_add(case=case, upload=form.cleaned_data["file"], actor=self.request.user)


class AttachmentDownloadView(CaseMixin, View):
    def get(self, request, *args, **kwargs):
        case = self.get_case()
        attachment = get_object_or_404(Attachment, case=case, pk=kwargs["pk"])
        access_log_record(user=request.user, case=case, action=AccessAction.DOWNLOAD,
                          request=request, detail=attachment.original_name)
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["Cache-Control"] = "no-store"
        return response
