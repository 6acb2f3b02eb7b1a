"""The POST-only action base shared by the report actions (DESIGN §8.3).

Invisible case → 404 (from the scoped queryset); visible but not allowed → 403; a form error
re-renders the shared case page with the bound form (nothing typed is lost, status 400)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from cases.models import AccessAction, CaseKind, Role
from cases.services import ServiceError
from cases.services.access import access_log_record
from cases.views.detail import CaseDetailView, CaseMixin

from .. import selectors as sel


def permissions_for(user, case) -> dict[str, bool]:
    """What the user may do on this (visible) report; templates and views use the same dict."""
    handle = sel.can_handle(user, case)
    au_or_quality = sel.has_role(user, sel.IVO_ROLES)
    return {
        "chef": sel.is_chef_for(user, case),
        "handle": handle,
        "urgent_ivo": sel.has_role(user, (Role.ARBETSUTSKOTT,)),
        "ivo": au_or_quality,
        "close": handle or au_or_quality,
        "imy": handle or au_or_quality,
    }


class ReportPost(CaseMixin, View):
    http_method_names = ["post"]
    name = ""
    permission = "handle"
    success_message = ""

    def form_kwargs(self, case) -> dict:
        return {}

    def get_form(self, case):
        from .report import FORM_CLASSES

        return FORM_CLASSES[self.name](data=self.request.POST, files=self.request.FILES,
                                       prefix=self.name, **self.form_kwargs(case))

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        if case.kind != CaseKind.LEXSARAH:
            raise Http404
        if not permissions_for(request.user, case)[self.permission]:
            raise PermissionDenied
        form = self.get_form(case)
        if form.is_valid():
            try:
                result = self.perform(case, form.cleaned_data)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, self.success_message)
                return self.success_redirect(case, result)
        return self.rerender(case, form)

    def success_redirect(self, case, result):
        return redirect(case.get_absolute_url())

    def rerender(self, case, form):
        self.request.lexsarah_bound_forms = {self.name: form}
        page = CaseDetailView()
        page.setup(self.request, reference=case.reference)
        page.roles = self.roles
        page._case = case
        access_log_record(user=self.request.user, case=case, action=AccessAction.READ,
                          request=self.request, detail="overview")
        return render(self.request, page.template_name, page.get_context_data(), status=400)
