"""Staff views for klagomål och synpunkter: intake forms and the POST-only actions of the
shared case page (the action kit: one action of the table in cases/complaints/actions.py, one
service; an error re-renders the case page with the bound form, nothing typed is lost).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView

from cases.complaints.forms import (
    AssessForm,
    CloseForm,
    ComplaintMeasureForm,
    EscalateForm,
    RegisterComplaintForm,
    ReplyForm,
    StaffComplaintForm,
)
from cases.complaints.selectors import complaint_for_case, units_valid
from cases.complaints.services import (
    complaint_assess,
    complaint_assign,
    complaint_close,
    complaint_create_staff,
    complaint_escalate,
    complaint_measure_add,
    complaint_receive,
    complaint_register,
    complaint_reply,
    complaint_resume,
)
from cases.forms import AssignForm, ReasonForm
from cases.models import CaseKind, Membership, Role, Unit
from cases.selectors import cases_visible_to, units_in_scope
from cases.selectors.people import case_assignees
from cases.services import ServiceError
from cases.services.parts import measures_unfinished
from cases.views.actionkit import bound_forms
from cases.views.detail import CaseActionView
from cases.views.mixins import PermissionMixin

# --- The complaint part of the shared case page ----------------------------------------------

FORM_CLASSES = {
    "receive": ReasonForm,
    "assign": AssignForm,
    "assess": AssessForm,
    "measure": ComplaintMeasureForm,
    "reply": ReplyForm,
    "resume": ReasonForm,
    "close": CloseForm,
    "escalate": EscalateForm,
}


def _form_kwargs(name: str, case) -> dict:
    if name == "assign":
        return {"users": case_assignees(case)}
    if name == "close":
        return {"open_measures": measures_unfinished(case)}
    return {}


def _initial(name: str, case, complaint) -> dict:
    if name == "assign":
        return {"assignee": case.assignee_id}
    if name == "assess":
        return {
            "topics": [t.pk for t in complaint.topics.all()],
            "deviation_found": {True: "ja", False: "nej"}.get(complaint.deviation_found, ""),
        }
    if name == "reply" and complaint.reply_text:
        return {"reply_text": complaint.reply_text}
    return {}


def complaint_detail_context(request, case, actions=()) -> dict:
    """Registered with the CaseType: the complaint facts and the forms of the actions the page
    offers (`actions`, from the table in cases/complaints/actions.py)."""
    complaint = complaint_for_case(case)
    if complaint is None:
        return {}
    bound = bound_forms(request)
    offered = {a.name for a in actions}
    forms = {
        name: bound.get(name)
        or cls(prefix=name, initial=_initial(name, case, complaint), **_form_kwargs(name, case))
        for name, cls in FORM_CLASSES.items()
        if name in offered
    }
    return {"complaint": complaint, "action_forms": forms}


# --- Intake --------------------------------------------------------------------------------


def _default_unit(user) -> Unit | None:
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    return membership.unit if membership else None


class _IntakeView(PermissionMixin, FormView):
    template_name = "cases/complaints/form.html"
    heading = ""
    intro = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, intro=self.intro, **kwargs)

    def get_initial(self):
        unit = _default_unit(self.request.user)
        return {"unit": unit.pk if unit else None}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            submission = self.create(form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        case = submission.complaint.case
        messages.success(self.request, _("Ärendet %s har registrerats.") % case.reference)
        return redirect(case.get_absolute_url())


class StaffComplaintCreateView(_IntakeView):
    """Klagomål och synpunkter från personal: any logged-in staff member."""

    required_roles = tuple(Role.values)  # anyone with a role in the organisation
    heading = _("Klagomål eller synpunkt från personal")
    intro = _("Beskriv vad du vill framföra om verksamheten. Din chef tar emot ärendet.")

    def get_form(self, form_class=None):
        return StaffComplaintForm(units=units_valid().order_by("path"), **self.get_form_kwargs())

    def create(self, data):
        return complaint_create_staff(
            unit=data["unit"],
            complaint_type=data["complaint_type"],
            title=data["title"],
            description=data["description"],
            occurred_on=data.get("occurred_on"),
            actor=self.request.user,
        )


class RegisterComplaintView(_IntakeView):
    """A chef or quality strategist registers a complaint received by letter, phone or visit."""

    required_roles = (Role.SEKTIONSCHEF, Role.KVALITETSSTRATEG)
    heading = _("Registrera klagomål eller synpunkt")
    intro = _("För klagomål och synpunkter som kommit in med brev, telefon, e-post eller besök.")

    def get_form(self, form_class=None):
        units = units_valid(units_in_scope(self.request.user, roles=self.required_roles))
        return RegisterComplaintForm(units=units.order_by("path"), **self.get_form_kwargs())

    def create(self, data):
        return complaint_register(
            unit=data["unit"],
            complaint_type=data["complaint_type"],
            title=data["title"],
            description=data["description"],
            channel=data["channel"],
            sender_category=data["sender_category"],
            received_on=data["received_on"],
            anonymous=data["anonymous"] == "ja",
            sender_name=data.get("sender_name", ""),
            sender_email=data.get("sender_email", ""),
            sender_phone=data.get("sender_phone", ""),
            occurred_on=data.get("occurred_on"),
            actor=self.request.user,
        )


# --- Actions (POST only, one service each) ---------------------------------------------------


class _ComplaintAction(CaseActionView):
    kind = CaseKind.COMPLAINT

    def get_form(self, case):
        return FORM_CLASSES[self.name](
            data=self.request.POST, prefix=self.name, **_form_kwargs(self.name, case)
        )


class ReceiveView(_ComplaintAction):
    name = "receive"
    success_message = _("Ärendet är mottaget och utredningen påbörjad.")

    def perform(self, case, data):
        return complaint_receive(case=case, actor=self.request.user, reason=data["reason"])


class AssignView(_ComplaintAction):
    name = "assign"
    success_message = _("Handläggare tilldelad.")

    def perform(self, case, data):
        return complaint_assign(case=case, assignee=data["assignee"], actor=self.request.user)


class AssessView(_ComplaintAction):
    name = "assess"
    success_message = _("Bedömningen sparades.")

    def perform(self, case, data):
        return complaint_assess(
            case=case,
            topics=list(data["topics"]),
            deviation_found=data["deviation_found"],
            actor=self.request.user,
            reason=data["reason"],
        )


class MeasureView(_ComplaintAction):
    name = "measure"
    success_message = _("Åtgärden sparades.")

    def perform(self, case, data):
        return complaint_measure_add(case=case, actor=self.request.user, **data)


class ReplyView(_ComplaintAction):
    name = "reply"
    success_message = _("Återkopplingen sparades. Ärendet är besvarat.")

    def perform(self, case, data):
        return complaint_reply(
            case=case,
            reply_text=data["reply_text"],
            replied_on=data["replied_on"],
            actor=self.request.user,
        )


class ResumeView(_ComplaintAction):
    name = "resume"
    success_message = _("Utredningen återupptogs.")

    def perform(self, case, data):
        return complaint_resume(case=case, actor=self.request.user, reason=data["reason"])


class CloseView(_ComplaintAction):
    name = "close"
    success_message = _("Ärendet är avslutat.")

    def perform(self, case, data):
        return complaint_close(
            case=case,
            actor=self.request.user,
            reason=data["reason"],
            confirm_open_measures=data.get("confirm_open_measures", False),
        )


class EscalateView(_ComplaintAction):
    name = "escalate"
    success_message = _("Ett nytt ärende skapades och kopplades till klagomålet.")

    def next_url(self, case, result):
        if cases_visible_to(self.request.user).filter(pk=result.pk).exists():
            return result.get_absolute_url()
        return None

    def perform(self, case, data):
        return complaint_escalate(
            case=case,
            kind=data["kind"],
            title=data["title"],
            reason=data["reason"],
            actor=self.request.user,
        )
