"""The action kit every app's POST views share (DESIGN §8.3): one view, one service.

- `ScopedObjectMixin`: the object always comes from the user's selector, so an object the user
  may not see is a 404, never a 403 that confirms it exists.
- `ActionView`: POST only. The object, then the gate (`check`: the same rule the page uses to
  offer the action; not allowed → 403, not possible now → the page with a Swedish message),
  then the form, then exactly one service. Afterwards:
    * success: back to the page, anchored at the section the user acted in, with a
      confirmation; an htmx request instead gets the changed parts of the page (out-of-band
      swaps, see `fragment_template`), so the page never jumps to the top;
    * a form or service error: the SAME page again with the bound form and its errors
      (status 400), so nothing typed is lost.
  An action view subclasses its page view (`class RiskAddView(ActionView, AnalysisDetailView)`),
  so re-rendering the page is this view's own `get_context_data`, never a second view object.
  The page finds the bound form with `bound_forms(request)`.
"""

import json

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import HttpResponseClientRedirect

from cases.services import ConcurrentEditError, ServiceError

from .mixins import PermissionMixin

BOUND_FORMS = "action_bound_forms"
# htmx: after the swap the browser moves focus here (static/js/avvika.js), so keyboard and
# screen-reader users stay where they acted.
FOCUS_EVENT = "avvika-focus"


def bound_forms(request) -> dict:
    """The form a failed POST left for the page: {form key: bound form}."""
    return getattr(request, BOUND_FORMS, {})


def bound_form(request, key: str, make):
    """The bound form for `key` if the POST being answered used it, else `make()`."""
    return bound_forms(request).get(key) or make()


class ScopedObjectMixin(PermissionMixin):
    """The object from the user's scoped queryset (invisible → 404), looked up once."""

    lookup_field = "pk"
    lookup_url_kwarg = "pk"

    def scoped_queryset(self):
        raise NotImplementedError

    def check_object(self, obj) -> None:
        """After the lookup: e.g. visible but not writable → PermissionDenied (403)."""

    def get_object(self, queryset=None):
        if getattr(self, "_object", None) is None:
            obj = get_object_or_404(
                self.scoped_queryset(), **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]}
            )
            self.check_object(obj)
            self._object = obj
        return self._object


class ActionView(ScopedObjectMixin):
    """POST-only: gate, form, exactly one service, then back to the page (see module doc).

    Put it first among the bases, before the page view it re-renders."""

    http_method_names = ["post"]
    name = ""  # the action's name: form prefix and key of the bound form on the page
    form_class: type[forms.BaseForm] | None = None
    prefixed = True  # forms on a page with several are prefixed with `name`
    success_message = ""
    anchor = ""  # the page section the action belongs to (#anchor after the redirect)
    # htmx answer: a template of out-of-band swaps rendered with the page's context plus
    # `oob`, `fragments`, `action_message` and `saved_in` (the anchor of the section that
    # shows the confirmation beside the live region). Empty: htmx gets a client redirect.
    fragment_template = ""

    # --- hooks ---------------------------------------------------------------------------------

    def get_target(self):
        """What the service acts on (a risk on the analysis page); the page object by default,
        None on a page without one (a list with a create form)."""
        return self.get_object() if self.lookup_url_kwarg in self.kwargs else None

    def check(self, target) -> None:
        """The gate before the form is read: PermissionDenied for a user who may not, a
        ServiceError for a step that is not possible now (shown on the page)."""

    def get_form_kwargs(self, target) -> dict:
        return {}

    def get_form(self, target):
        if self.form_class is None:
            return None
        return self.form_class(
            data=self.request.POST,
            files=self.request.FILES or None,
            prefix=self.name if self.prefixed else None,
            **self.get_form_kwargs(target),
        )

    def form_key(self, target) -> str:
        return self.name

    def perform(self, target, data):
        raise NotImplementedError

    def on_conflict(self, target, form, exc: ConcurrentEditError):
        form.add_error(None, str(exc))
        return form

    def get_success_message(self, target, result) -> str:
        return str(self.success_message)

    def next_url(self, target, result) -> str | None:
        """A page to go on to after success (the case just created); None: stay."""
        return None

    def get_success_url(self, target, result) -> str:
        url = self.get_object().get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url

    def fragments(self, target) -> set[str]:
        """The page parts the htmx answer carries."""
        return {self.anchor} if self.anchor else set()

    # --- the flow ------------------------------------------------------------------------------

    def post(self, request, *args, **kwargs):
        target = self.get_target()
        try:
            self.check(target)
        except ServiceError as exc:
            return self.refused(target, exc)
        form = self.get_form(target)
        if form is None:
            form = forms.Form(request.POST)  # carries a service error to the page
        if form.is_valid():
            try:
                result = self.perform(target, form.cleaned_data)
            except ConcurrentEditError as exc:
                form = self.on_conflict(target, form, exc)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                return self.succeeded(target, result)
        return self.failed(target, form, status=400)

    def refused(self, target, exc: ServiceError):
        """The step is not possible in the object's current state (a page opened before
        someone else moved the case on): the page as it is now, with the reason (403)."""
        form = self.get_form(target) or forms.Form(self.request.POST)
        form.add_error(None, str(exc))
        return self.failed(target, form, status=403)

    def succeeded(self, target, result):
        message = self.get_success_message(target, result)
        elsewhere = self.next_url(target, result)
        if elsewhere:
            if message:
                messages.success(self.request, message)
            if self.request.htmx:
                return HttpResponseClientRedirect(elsewhere)
            return redirect(elsewhere)
        if self.request.htmx and self.fragment_template:
            return self.render_fragment(target, status=200, message=message)
        if message:
            messages.success(self.request, message)
        url = self.get_success_url(target, result)
        return HttpResponseClientRedirect(url) if self.request.htmx else redirect(url)

    def failed(self, target, form, *, status: int):
        setattr(self.request, BOUND_FORMS, {self.form_key(target): form})
        self.action_form = form
        if self.request.htmx and self.fragment_template:
            return self.render_fragment(target, status=status, form=form)
        return self.render_page(target, status=status)

    # --- rendering: this view is also the page view ---------------------------------------

    def page_context(self, target) -> dict:
        if self.lookup_url_kwarg in self.kwargs:
            self.object = self.get_object()
        context = self.get_context_data()
        context["action_form"] = getattr(self, "action_form", None)
        return context

    def render_page(self, target, *, status: int):
        return render(self.request, self.template_name, self.page_context(target), status=status)

    def render_fragment(self, target, *, status: int, message: str = "", form=None):
        context = self.page_context(target)
        context.update(
            oob=True,
            fragments=self.fragments(target),
            action_message=message,
            saved_in=self.anchor if message else "",
        )
        response = render(self.request, self.fragment_template, context, status=status)
        if form is not None and form.errors:
            focus = f"#{form.prefix or 'form'}-error-summary"
        else:
            focus = f"#{self.anchor}" if self.anchor else ""
        if focus:
            response["HX-Trigger-After-Settle"] = json.dumps({FOCUS_EVENT: {"target": focus}})
        response["X-Avvika-Fragment"] = "1"
        return response


class ServiceFormMixin:
    """For a page whose form creates or edits one object (a FormView): the valid form goes to
    exactly one service (`perform(form) -> obj`); a refusal shows on the same form, nothing
    typed is lost; success says so and goes to the object's page."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if self.success_message:
            messages.success(self.request, self.success_message)  # type: ignore[attr-defined]
        return redirect(obj.get_absolute_url())
