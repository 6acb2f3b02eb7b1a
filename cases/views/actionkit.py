"""The action kit every app's POST views share (DESIGN §8.3): one view, one service."""

from django.contrib import messages
from django.shortcuts import redirect
from django.views import View

from cases.services import ServiceError


def form_errors_to_messages(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


class ServicePostView(View):
    """POST-only: validate an optional form, call exactly one service, redirect back."""

    http_method_names = ["post"]
    form_class = None
    success_message = ""

    def get_object(self):
        raise NotImplementedError

    def get_form(self, obj):
        return self.form_class(self.request.POST) if self.form_class else None

    def perform(self, obj, form):
        raise NotImplementedError

    def get_success_url(self, obj) -> str:
        return obj.get_absolute_url()

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form(obj)
        if form is not None and not form.is_valid():
            form_errors_to_messages(request, form)
            return redirect(self.get_success_url(obj))
        try:
            result = self.perform(obj, form)
        except ServiceError as exc:
            messages.error(request, str(exc))
        else:
            if self.success_message:
                messages.success(request, self.success_message)
            if hasattr(self, "redirect_to_result") and result is not None:
                return redirect(self.redirect_to_result(obj, result))
        return redirect(self.get_success_url(obj))
