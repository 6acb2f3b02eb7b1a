"""The POST-only base every case type's transition views share (DESIGN §8.3).

One view calls exactly one service. Invisible case or another type → 404 (from the scoped
queryset); visible but not allowed → 403; a form or service error re-renders the shared case
page with this form bound and its errors (status 400), so nothing typed is lost.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from cases.models import AccessAction
from cases.selectors import cases_visible_to
from cases.services import ConcurrentEditError, ServiceError
from cases.services.access import access_log_record

from .detail import CaseDetailView, CaseMixin

BOUND_FORMS = "case_bound_forms"


def bound_forms(request) -> dict:
    """The form a failed POST left for the case page: {form name: bound form}."""
    return getattr(request, BOUND_FORMS, {})


class CaseTransitionView(CaseMixin, View):
    http_method_names = ["post"]
    kind = ""  # the CaseKind this view handles
    name = ""  # the form's name (and prefix) on the case page
    success_message = ""

    def check_permission(self, case) -> None:
        self.require_handle(case)

    def get_form(self, case):
        raise NotImplementedError

    def perform(self, case, data):
        raise NotImplementedError

    def on_conflict(self, form, exc: ConcurrentEditError):
        form.add_error(None, str(exc))
        return form

    def success_redirect(self, case, result):
        return redirect(case.get_absolute_url())

    def post(self, request, *args, **kwargs):
        case = self.get_case()
        if case.kind != self.kind:
            raise Http404
        self.check_permission(case)
        form = self.get_form(case)
        if form.is_valid():
            try:
                result = self.perform(case, form.cleaned_data)
            except ConcurrentEditError as exc:
                form = self.on_conflict(form, exc)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, self.success_message)
                return self.success_redirect(case, result)
        return self.rerender(case, form)

    def rerender(self, case, form):
        setattr(self.request, BOUND_FORMS, {self.name: form})
        # Fresh from the scoped queryset: a failed service may have seen a newer version.
        fresh = cases_visible_to(self.request.user).get(pk=case.pk)
        page = CaseDetailView()
        page.setup(self.request, reference=fresh.reference)
        page.roles = self.roles
        page._case = fresh
        access_log_record(user=self.request.user, case=fresh, action=AccessAction.READ,
                          request=self.request, detail="overview")
        return render(self.request, page.template_name, page.get_context_data(), status=400)
