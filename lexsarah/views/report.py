"""The report: the staff form, the reporter's own list, the lex Sarah part of the case page and
its POST-only actions (receive, immediate measures, investigator, IVO, IMY, close)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from cases.models import AccessAction, CaseKind, Code, CodeList, Membership, Role
from cases.selectors.people import units_valid
from cases.services import ServiceError
from cases.services.access import access_log_record, access_log_record_case_list
from cases.views.actionkit import bound_forms
from cases.views.detail import CaseMixin
from cases.views.mixins import PermissionMixin

from .. import selectors as sel
from .. import services as svc
from ..forms import (
    ReportForm,
)
from ..models import IvoNotification, LegalReference
from ._base import FORM_CLASSES, ReportPost, permissions_for


def _form_kwargs(name: str, user, case) -> dict:
    if name == "assign":
        return {"users": sel.investigators()}
    if name == "investigate":
        return {"users": sel.investigators(), "others": sel.joinable_reports(user, case.pk)}
    return {}


def _initial(name: str, case) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    if name == "immediate":
        return {"taken_at": now}
    if name == "imy":
        return {"reported_at": now}
    if name == "assign":
        return {"assignee": case.assignee_id}
    if name == "investigate":
        return {"investigator": case.assignee_id}
    if name in ("ivo_sent", "ivo_decision"):
        return {"sent_on": timezone.localdate(), "decision_date": timezone.localdate()}
    return {}


def lexsarah_detail_context(request, case, actions=()) -> dict:
    """Registered with the CaseType: the report's facts and investigations for the main column,
    and the forms of the actions the case page offers (`actions`, from lexsarah/actions.py;
    the kit puts them in the status box, the expected next step first)."""
    report = sel.report_for_case(case)
    if report is None:
        return {}
    user = request.user
    bound = bound_forms(request)
    forms = {
        a.name: bound.get(a.name)
        or FORM_CLASSES[a.name](
            prefix=a.name, initial=_initial(a.name, case), **_form_kwargs(a.name, user, case)
        )
        for a in actions
        if a.name in FORM_CLASSES
    }
    ivo = getattr(report, "ivo", None)
    # The report's investigations are prefetched: none (the usual case) costs no query; else
    # one for those the reader may see, and the rest are the hidden ones.
    linked = {inv.pk for inv in report.investigations.all()}
    shown = (
        list(
            sel.investigations_visible_to(user)
            .filter(reports=report)
            .select_related("investigator")
            .prefetch_related("reports__case")
        )
        if linked
        else []
    )
    side_facts = []
    if report.personal_data_breach and report.imy_reported_at is None and case.is_open:
        side_facts.append(
            (
                _("Anmälan till IMY senast"),
                date_format(timezone.localtime(report.imy_due_at), "Y-m-d H:i")
                if report.imy_due_at
                else "–",
            )
        )
    return {
        "ls_report": report,
        "action_forms": forms,
        # The status box: lex Sarah's assignee is the named investigator.
        "assignee_label": _("Utredare"),
        "side_facts": side_facts,
        "ls_can": permissions_for(
            user, case, memberships=getattr(request, "avvika_memberships", None)
        ),
        "ls_ivo": ivo,
        "ls_investigations": shown,
        "ls_hidden_investigations": bool(linked - {inv.pk for inv in shown}),
        "ls_legal": LegalReference.objects.filter(active=True),
        "ls_blockers": svc.close_blockers(report) if case.is_open else [],
        "ls_open": case.is_open,
    }


EMPLOYEE_REPORTER_TYPE = "anstalld"

# --- The report form and the reporter's list -------------------------------------------------


def _default_unit(user):
    membership = (
        Membership.objects.active()
        .filter(user=user)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )
    return membership.unit if membership else None


class ReportCreateView(PermissionMixin, FormView):
    """Any staff member reports "genast"; the chef is told at once."""

    required_roles = tuple(Role.values)
    template_name = "lexsarah/report_form.html"

    def get_form(self, form_class=None):
        return ReportForm(units=units_valid().order_by("path"), **self.get_form_kwargs())

    def get_initial(self):
        unit = _default_unit(self.request.user)
        # Everyone with a role in the organisation is employed there; interns and contractors
        # change the choice themselves.
        employed = (
            Code.choices_for(CodeList.REPORTER_TYPE).filter(code=EMPLOYEE_REPORTER_TYPE).first()
            if unit
            else None
        )
        return {
            "unit": unit.pk if unit else None,
            "report_kind": "missforhallande",
            "reporter_type": employed.pk if employed else None,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(legal=LegalReference.objects.filter(active=True), **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            case = svc.lexsarah_report_create(
                unit=data["unit"],
                title=data["title"],
                description=data["description"],
                actor=self.request.user,
                reporter=self.request.user,
                occurred_at=data.get("occurred_at"),
                reporter_type=data["reporter_type"],
                persons_affected=data["persons_affected"],
                concerns_child=data["concerns_child"],
                report_kind=data["report_kind"],
                personal_data_breach=data["personal_data_breach"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Tack! Din rapport %s är registrerad och din chef har fått besked.") % case.reference,
        )
        return redirect("lexsarah:mine")


class MyReportsView(PermissionMixin, ListView):
    """The reporter sees only the status of their own reports (DESIGN §3.3)."""

    template_name = "lexsarah/my_reports.html"
    context_object_name = "reports"
    # A reporter has a handful of reports: twenty a page keeps the list short on a phone.
    paginate_by = 20

    def get_queryset(self):
        return sel.reports_of_reporter(self.request.user).select_related("unit")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        # The reporter's own reports are case data too: one access-log row for the page.
        access_log_record_case_list(
            user=self.request.user,
            cases=ctx["reports"],
            request=self.request,
            detail=_("Mina rapporter"),
        )
        return ctx


# --- Actions (POST only, one service each) -----------------------------------------------------


class _Action(ReportPost):
    def form_kwargs(self, case) -> dict:
        return _form_kwargs(self.name, self.request.user, case)


class ReceiveView(_Action):
    name = "receive"
    success_message = _("Rapporten är mottagen.")

    def perform(self, case, data):
        return svc.lexsarah_receive(
            case=case, actor=self.request.user, immediate_measure=data["immediate_measure"]
        )


class ImmediateMeasureView(_Action):
    name = "immediate"
    success_message = _("Den omedelbara åtgärden sparades.")

    def perform(self, case, data):
        return svc.immediate_measure_add(
            case=case, text=data["text"], taken_at=data["taken_at"], actor=self.request.user
        )


class AssignView(_Action):
    name = "assign"
    success_message = _("Utredaren är utsedd.")

    def perform(self, case, data):
        return svc.lexsarah_assign_investigator(
            case=case, assignee=data["assignee"], actor=self.request.user
        )


class StartInvestigationView(_Action):
    name = "investigate"
    success_message = _("Utredningen är påbörjad.")

    def perform(self, case, data):
        return svc.investigation_create(
            cases=[case, *data["also_cover"]],
            investigator=data["investigator"],
            actor=self.request.user,
        )

    def next_url(self, case, result):
        return reverse("lexsarah:investigation", kwargs={"pk": result.pk})


class UrgentIvoView(_Action):
    name = "urgent"
    success_message = _("Beslut om anmälan till IVO registrerat. Skicka anmälan inom 7 dagar.")

    def perform(self, case, data):
        return svc.ivo_decide_urgent(
            case=case, motivation=data["motivation"], actor=self.request.user
        )


class IvoSentView(_Action):
    name = "ivo_sent"
    success_message = _("Datumet då anmälan skickades till IVO sparades.")

    def perform(self, case, data):
        return svc.ivo_notification_sent(
            case=case,
            sent_on=data["sent_on"],
            ivo_reference=data["ivo_reference"],
            actor=self.request.user,
        )


class IvoDecisionView(_Action):
    name = "ivo_decision"
    success_message = _("IVO:s beslut sparades.")

    def perform(self, case, data):
        return svc.ivo_decision_record(
            case=case,
            decision_date=data["decision_date"],
            outcome=data["outcome"],
            note=data["note"],
            actor=self.request.user,
        )


class ImyView(_Action):
    name = "imy"
    success_message = _("Anmälan till IMY registrerad.")

    def perform(self, case, data):
        return svc.imy_report_record(
            case=case, reported_at=data["reported_at"], actor=self.request.user
        )


class CloseView(_Action):
    name = "close"
    success_message = _("Ärendet är avslutat.")

    def perform(self, case, data):
        return svc.lexsarah_close(case=case, reason=data["reason"], actor=self.request.user)


# --- The anmälan document --------------------------------------------------------------------


class IvoPdfView(CaseMixin, View):
    def get(self, request, *args, **kwargs):
        from ..pdf import ivo_notification_pdf

        case = self.get_case()
        if case.kind != CaseKind.LEXSARAH:
            raise Http404
        can = permissions_for(request.user, case)
        if not (can["ivo"] or can["handle"]):
            raise PermissionDenied
        notification = IvoNotification.objects.filter(report_id=case.pk).first()
        if notification is None:
            raise Http404
        access_log_record(
            user=request.user,
            case=case,
            action=AccessAction.PRINT,
            request=request,
            detail="anmälan till IVO",
        )
        response = HttpResponse(ivo_notification_pdf(notification), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="anmalan-ivo-{case.reference}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
