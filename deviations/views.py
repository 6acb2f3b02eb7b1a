"""Staff views for kvalitetsavvikelser: the one-minute report, its receipt, and the POST-only
actions of the shared case page (the action kit: one action of the table in
deviations/actions.py, one service; an error re-renders the case page with the bound form).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from cases.models import AccessAction, CaseKind, Role
from cases.selectors import cases_visible_to
from cases.selectors.people import case_assignees, measure_responsibles, units_valid
from cases.services import ConcurrentEditError, ServiceError
from cases.services.access import access_log_record
from cases.services.parts import measures_unfinished
from cases.views.actionkit import bound_forms
from cases.views.detail import CaseActionView
from cases.views.mixins import PermissionMixin

from . import services
from .forms import (
    AssignForm,
    ClassifyForm,
    CloseForm,
    DeviationMeasureForm,
    ReasonForm,
    ReclassifyForm,
    ReportForm,
)
from .selectors import default_report_unit, deviation_for_case, reported_deviation
from .workflow import DeviationOutcome

# --- The deviation part of the shared case page ----------------------------------------------

FORM_CLASSES = {
    "receive": ReasonForm,
    "assign": AssignForm,
    "investigate": ReasonForm,
    "classify": ClassifyForm,
    "measure": DeviationMeasureForm,
    "close": CloseForm,
    "reclassify": ReclassifyForm,
}
# Whom each form may name: the assignee (the assign rule) or a measure's "Ansvarig".
USER_FORMS = {"assign": case_assignees, "measure": measure_responsibles}


def _form(name: str, case, **kwargs):
    kwargs["prefix"] = name
    if name in USER_FORMS:
        kwargs["users"] = USER_FORMS[name](case)
    if name == "close":
        kwargs["open_measures"] = measures_unfinished(case)
    return FORM_CLASSES[name](**kwargs)


def _ids(deviation, relation: str) -> list[int]:
    if deviation._state.adding:  # no row yet: an unsaved instance cannot read its M2M
        return []
    return [c.pk for c in getattr(deviation, relation).all()]


def _initial(name: str, case, deviation) -> dict:
    if name == "assign":
        return {"assignee": case.assignee_id}
    if name == "classify":
        return {
            "version": case.version,
            "event_category": case.event_category_id,
            "deficiencies": _ids(deviation, "deficiencies"),
            "root_causes": _ids(deviation, "root_causes"),
            "consequence": deviation.consequence_id,
        }
    return {}


def _outcome_label(outcome: str) -> str:
    return str(DeviationOutcome(outcome).label) if outcome in DeviationOutcome.values else outcome


def deviation_detail_context(request, case, actions=()) -> dict:
    """Registered with the CaseType: the deviation facts and the forms of the actions the
    page offers (`actions`, from the table in deviations/actions.py)."""
    deviation = deviation_for_case(case)
    bound = bound_forms(request)
    offered = {a.name for a in actions}
    forms = {
        name: bound.get(name) or _form(name, case, initial=_initial(name, case, deviation))
        for name in FORM_CLASSES
        if name in offered
    }
    return {
        "deviation": deviation,
        "deviation_saved": not deviation._state.adding,
        "action_forms": forms,
        "deviation_conflict": getattr(request, "deviation_conflict", None),
        "outcome_label": _outcome_label(case.outcome),
    }


# --- Reporting -------------------------------------------------------------------------------


class ReportCreateView(PermissionMixin, FormView):
    """Rapportera avvikelse: any staff member with a role in the organisation."""

    required_roles = tuple(Role.values)
    template_name = "deviations/report_form.html"

    def get_form(self, form_class=None):
        return ReportForm(units=units_valid().order_by("path"), **self.get_form_kwargs())

    def get_initial(self):
        unit = default_report_unit(self.request.user)
        return {"unit": unit.pk if unit else None}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = form.cleaned_data
        user = self.request.user
        try:
            case = services.deviation_create(
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                occurred_on=data["occurred_on"],
                immediate_consequence=data["immediate_consequence"],
                concerns_child=data["concerns_child"],
                at_absence_or_handover=data["at_absence_or_handover"],
                actor=user,
                reporter=user,
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        return redirect(reverse("deviations:receipt", args=[case.reference]))


class ReceiptView(PermissionMixin, TemplateView):
    """After the report: the reference and status. Only the reporter's own reports."""

    template_name = "deviations/receipt.html"

    def get_context_data(self, **kwargs):
        case = reported_deviation(self.request.user, self.kwargs["reference"])
        if case is None:
            raise Http404
        # The reporter's own status page reads the case too.
        access_log_record(
            user=self.request.user,
            case=case,
            action=AccessAction.READ,
            request=self.request,
            detail="reporter_receipt",
        )
        return super().get_context_data(case=case, **kwargs)


# --- Actions (POST only, one service each) ---------------------------------------------------


class _DeviationAction(CaseActionView):
    kind = CaseKind.DEVIATION
    success_message = gettext_lazy("Ändringen sparades.")

    def get_form(self, case):
        return _form(self.name, case, data=self.request.POST)

    def on_conflict(self, case, form, exc: ConcurrentEditError):
        """Keep what was typed, show what is saved now, and take the current version so a
        second submit is a deliberate overwrite."""
        data = self.request.POST.copy()
        data[f"{self.name}-version"] = str(exc.current.version)
        rebound = _form(self.name, exc.current, data=data)
        rebound.is_valid()
        rebound.add_error(None, str(exc))
        self.request.deviation_conflict = {
            "case": exc.current,
            "deviation": deviation_for_case(exc.current),
        }
        return rebound


class ReceiveView(_DeviationAction):
    name = "receive"
    success_message = gettext_lazy("Avvikelsen är mottagen.")

    def perform(self, case, data):
        return services.deviation_receive(case=case, actor=self.request.user, reason=data["reason"])


class AssignView(_DeviationAction):
    name = "assign"
    success_message = gettext_lazy("Handläggare tilldelad.")

    def perform(self, case, data):
        return services.deviation_assign(
            case=case, assignee=data["assignee"], actor=self.request.user
        )


class InvestigateView(_DeviationAction):
    name = "investigate"
    success_message = gettext_lazy("Utredningen är påbörjad.")

    def perform(self, case, data):
        return services.deviation_start_investigation(
            case=case, actor=self.request.user, reason=data["reason"]
        )


class ClassifyView(_DeviationAction):
    name = "classify"
    success_message = gettext_lazy("Klassificeringen sparades.")

    def perform(self, case, data):
        return services.deviation_classify(
            case=case,
            expected_version=data["version"],
            event_category=data["event_category"],
            deficiencies=list(data["deficiencies"]),
            root_causes=list(data["root_causes"]),
            consequence=data["consequence"],
            actor=self.request.user,
            reason=data["reason"],
        )


class MeasureView(_DeviationAction):
    name = "measure"
    success_message = gettext_lazy("Åtgärden sparades.")

    def perform(self, case, data):
        return services.deviation_measure_add(case=case, actor=self.request.user, **data)


class CloseView(_DeviationAction):
    name = "close"
    success_message = gettext_lazy("Avvikelsen är avslutad.")

    def perform(self, case, data):
        return services.deviation_close(
            case=case,
            outcome=data["outcome"],
            summary=data["summary"],
            reason=data["reason"],
            confirm_open_measures=data.get("confirm_open_measures", False),
            actor=self.request.user,
        )


class ReclassifyView(_DeviationAction):
    name = "reclassify"
    success_message = gettext_lazy("Avvikelsen är omklassificerad och avslutad.")

    def perform(self, case, data):
        return services.deviation_reclassify(
            case=case, target=data["target"], reason=data["reason"], actor=self.request.user
        )

    def next_url(self, case, result):
        target = result.target
        if target is not None and cases_visible_to(self.request.user).filter(pk=target.pk).exists():
            messages.info(self.request, _("Lex Sarah-rapporten %s skapades.") % target.reference)
            return target.get_absolute_url()
        return None
