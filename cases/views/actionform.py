"""One offered action's form on its own (GET), for the case page's closed actions.

The case page builds only the forms it shows open (the expected next step, a form back with
errors); every other action waits behind a <details> disclosure. Opening it loads the form
from here with htmx; without JavaScript the disclosure holds a link to this page, where the
form stands alone. Either way the form posts to the action's own view (the action kit), so a
validation error re-renders the case page with the form open and what was typed kept.

Same gates as the action's POST: the case from the user's visible queryset (invisible → 404),
an action of the type's table (unknown → 404), allowed for this user (else 403); a step not
possible now (the case moved on) says why instead of showing the form. Each form shown is a
read of the case, written to the access log like the case page.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from cases.actions import Action, action_require, actor_for_case, case_actions
from cases.models import AccessAction
from cases.registry import case_type
from cases.services.access import access_log_record
from cases.services.errors import ServiceError, StepNotAllowed

from .choices import fill_choices
from .detail import SIDE, CaseDetailView, _part_forms, offered_action

FRAGMENT = "cases/parts/action_form.html"
UNAVAILABLE = "cases/parts/action_unavailable.html"


class CaseActionFormView(CaseDetailView):
    template_name = "cases/action_page.html"
    tab = "form"

    def get(self, request, *args, **kwargs):
        case = self.get_case()
        action = self._action(case)
        fragment = bool(request.htmx)
        context = {"case": case, "own_page": not fragment, "anchor": action.section or SIDE}
        try:
            self._check(case, action)
        except ServiceError as exc:
            template, status = UNAVAILABLE if fragment else self.template_name, 409
            context.update(reason=str(exc), label=str(action.label))
        else:
            template, status = FRAGMENT if fragment else self.template_name, 200
            context["entry"] = self._entry(case, action, expanded=not fragment)
        access_log_record(
            user=request.user,
            case=case,
            action=AccessAction.READ,
            request=request,
            detail=f"form:{action.name}",
        )
        response = render(request, template, context, status=status)
        if fragment and status != 200:
            response["X-Avvika-Fragment"] = "1"  # static/js/avvika.js swaps it in
        patch_vary_headers(response, ["HX-Request"])
        return response

    def _action(self, case) -> Action:
        name = self.kwargs["name"]
        for action in case_actions(case_type(case.kind)):
            # measure_status belongs to a measure's row and is shown there, never alone.
            if action.name == name and action.name != "measure_status":
                return action
        raise Http404

    def _check(self, case, action: Action) -> None:
        """The POST's gate (CaseActionView.check): ActionRefused (403) for a user who may not,
        a ServiceError with the reason for a step not possible now."""
        ct = case_type(case.kind)
        actor = actor_for_case(
            self.request.user,
            case,
            memberships=getattr(self.request, "avvika_memberships", None),
        )
        action_require(
            case_actions(ct),
            action.name,
            status=case.status,
            actor=actor,
            obj=case,
            workflow=ct.workflow,
        )
        if action.when is not None and not action.when(case):
            raise StepNotAllowed(_("”%s” går inte i ärendet just nu.") % action.label)

    def _entry(self, case, action: Action, *, expanded: bool):
        type_forms = self._type_context(case, [action]).get("action_forms", {})
        forms = {**_part_forms(self.request, case, {action.name}), **type_forms}
        entry = offered_action(case, action, forms.get(action.name), expanded=expanded)
        fill_choices([entry.form])
        return entry
