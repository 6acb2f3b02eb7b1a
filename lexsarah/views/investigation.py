"""The investigation page: sections saved as drafts (optimistic locking, conflict page with both
versions), draft history, attachments on the report cases, assessment and reopening."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.history import HistorySource, history_entries
from cases.models import AccessAction
from cases.services import ConcurrentEditError, ServiceError
from cases.services.access import access_log_record
from cases.views.actionkit import ActionView, ScopedObjectMixin, bound_form

from .. import selectors as sel
from .. import services as svc
from ..actions import process_allowed, process_require
from ..forms import (
    AddReportForm,
    AssessForm,
    InvestigationAttachmentForm,
    InvestigationForm,
    ReopenForm,
)
from ..models import INVESTIGATION_SECTIONS, AgendaItem, Investigation


class _InvestigationMixin(ScopedObjectMixin):
    def scoped_queryset(self):
        return sel.investigations_visible_to(self.request.user).select_related("investigator")

    def get_investigation(self) -> Investigation:
        return self.get_object()

    def can_edit(self, investigation) -> bool:
        return (
            sel.investigations_handleable_by(self.request.user).filter(pk=investigation.pk).exists()
        )

    def require_edit(self, investigation) -> None:
        if not self.can_edit(investigation):
            raise PermissionDenied

    def report_cases(self, investigation):
        return (
            sel.reports_visible_to(self.request.user)
            .filter(lexsarah__investigations=investigation)
            .select_related("unit")
        )

    def log_read(self, investigation) -> None:
        for case in self.report_cases(investigation):
            access_log_record(
                user=self.request.user,
                case=case,
                action=AccessAction.READ,
                request=self.request,
                detail=f"utredning {investigation.pk}",
            )


class InvestigationView(_InvestigationMixin, TemplateView):
    """GET shows the draft; POST saves it. A stale version answers 409 with both texts."""

    template_name = "lexsarah/investigation.html"

    def get(self, request, *args, **kwargs):
        self.log_read(self.get_investigation())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, form=None, conflict=None, **kwargs):
        inv = self.get_investigation()
        cases = self.report_cases(inv)
        can_edit = self.can_edit(inv)
        ctx = super().get_context_data()
        ctx.update(
            investigation=inv,
            report_cases=cases,
            can_edit=can_edit,
            # The steps that move the reports: offered only when every report allows them.
            can_assess=can_edit
            and not inv.completed_at
            and process_allowed(cases, "assess", self.request.user),
            can_reopen=can_edit
            and bool(inv.completed_at)
            and process_allowed(cases, "reopen", self.request.user),
            form=form or InvestigationForm(instance=inv, initial={"version": inv.version}),
            conflict=conflict,
            assess_form=bound_form(self.request, "assess", lambda: AssessForm(prefix="assess")),
            reopen_form=bound_form(self.request, "reopen", lambda: ReopenForm(prefix="reopen")),
            attachment_form=bound_form(
                self.request,
                "attach",
                lambda: InvestigationAttachmentForm(prefix="attach", cases=cases),
            ),
            add_form=bound_form(
                self.request,
                "add",
                lambda: AddReportForm(prefix="add", others=sel.joinable_reports(self.request.user)),
            ),
            history=history_entries(
                [
                    HistorySource(Investigation, inv.history.all(), _("utredningen")),
                    HistorySource(
                        AgendaItem,
                        AgendaItem.history.filter(investigation_id=inv.pk),
                        _("ärende på arbetsutskottets dagordning"),
                    ),
                ],
                reader=self.request.user,
            ),
        )
        ctx.update(kwargs)  # a bound form with errors replaces its empty twin
        return ctx

    def post(self, request, *args, **kwargs):
        inv = self.get_investigation()
        self.require_edit(inv)
        form = InvestigationForm(request.POST, instance=Investigation(pk=inv.pk))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        data = {name: form.cleaned_data[name] for name in INVESTIGATION_SECTIONS}
        try:
            svc.investigation_save_draft(
                investigation=inv,
                expected_version=form.cleaned_data["version"],
                data=data,
                actor=request.user,
            )
        except ConcurrentEditError as exc:
            return self._conflict(form, exc.current)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Utkastet sparades."))
        return redirect("lexsarah:investigation", pk=inv.pk)

    def _conflict(self, form, current: Investigation):
        """Both versions side by side. The form keeps the loser's text but now carries the
        stored version, so saving again is a conscious choice, never a silent overwrite."""
        data = form.data.copy()
        data["version"] = str(current.version)
        rebound = InvestigationForm(data, instance=Investigation(pk=current.pk))
        rebound.is_valid()
        rebound.add_error(None, ConcurrentEditError(current=current).args[0])
        theirs = [
            (current._meta.get_field(n).verbose_name, getattr(current, n), form.cleaned_data[n])
            for n in INVESTIGATION_SECTIONS
        ]
        self._object = current
        ctx = self.get_context_data(
            form=rebound,
            conflict={
                "stored": current,
                "sections": theirs,
                "by": current.history.select_related("history_user").first(),
            },
        )
        return render(self.request, self.template_name, ctx, status=409)


class _InvestigationAction(ActionView, InvestigationView):
    """A POST on the investigation page; an error shows that page again with the form."""

    def check(self, inv) -> None:
        self.require_edit(inv)

    def get_success_url(self, inv, result) -> str:
        return reverse("lexsarah:investigation", kwargs={"pk": inv.pk})


class _ReportsStep(_InvestigationAction):
    """A step that moves every report the investigation covers: each must allow it
    (lexsarah/actions.py PROCESS_ACTIONS), else 403 with the reason."""

    def check(self, inv) -> None:
        super().check(inv)
        for case in self.report_cases(inv):
            process_require(case, self.name, self.request.user)


class AssessView(_ReportsStep):
    name = "assess"
    success_message = _("Bedömningen sparades. Utredningen är färdig.")

    def get_form(self, inv):
        return AssessForm(self.request.POST, prefix="assess")

    def perform(self, inv, data):
        svc.investigation_assess(
            investigation=inv,
            assessment=data["assessment"],
            motivation=data["motivation"],
            actor=self.request.user,
        )


class ReopenView(_ReportsStep):
    name = "reopen"
    success_message = _("Utredningen är öppnad igen.")

    def get_form(self, inv):
        return ReopenForm(self.request.POST, prefix="reopen")

    def perform(self, inv, data):
        svc.investigation_reopen(investigation=inv, reason=data["reason"], actor=self.request.user)


class AddReportView(_InvestigationAction):
    name = "add"
    success_message = _("Rapporten ingår nu i utredningen.")

    def get_form(self, inv):
        return AddReportForm(
            self.request.POST, prefix="add", others=sel.joinable_reports(self.request.user)
        )

    def perform(self, inv, data):
        svc.investigation_add_report(investigation=inv, case=data["case"], actor=self.request.user)


class AttachmentView(_InvestigationAction):
    name = "attach"
    success_message = _("Bilagan sparades.")

    def get_form(self, inv):
        return InvestigationAttachmentForm(
            self.request.POST, self.request.FILES, prefix="attach", cases=self.report_cases(inv)
        )

    def perform(self, inv, data):
        svc.investigation_attachment_add(
            investigation=inv, case=data["case"], upload=data["file"], actor=self.request.user
        )
