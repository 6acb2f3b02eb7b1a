"""AU meetings: the list (AU and quality staff), a meeting with its agenda and decisions, and
the meeting packet PDF."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from cases.models import AccessAction, Role
from cases.services import ServiceError
from cases.services.access import access_log_record_many
from cases.views.mixins import PermissionMixin

from .. import selectors as sel
from .. import services as svc
from ..actions import process_allowed
from ..forms import AgendaAddForm, AgendaDecideForm, AUMeetingForm
from ..models import AgendaItem

AU_WRITE_ROLES = (Role.ARBETSUTSKOTT,)


class AUListView(PermissionMixin, ListView):
    required_roles = sel.AU_PAGE_ROLES
    template_name = "lexsarah/au_list.html"
    context_object_name = "meetings"
    paginate_by = 50

    def get_queryset(self):
        return sel.au_meetings_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_write"] = bool(self.roles & set(AU_WRITE_ROLES))
        ctx.setdefault("form", AUMeetingForm(users=sel.au_members()))
        ctx["ready"] = sel.investigations_ready_for_au(self.request.user)
        return ctx


class AUMeetingCreateView(PermissionMixin, View):
    required_roles = AU_WRITE_ROLES
    http_method_names = ["post"]

    def post(self, request):
        form = AUMeetingForm(request.POST, users=sel.au_members())
        if form.is_valid():
            meeting = svc.au_meeting_create(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Sammanträdet skapades."))
            return redirect("lexsarah:au_meeting", pk=meeting.pk)
        page = AUListView()
        page.setup(request)
        page.roles = self.roles
        page.object_list = page.get_queryset()
        return render(request, page.template_name, page.get_context_data(form=form), status=400)


class _MeetingMixin(PermissionMixin):
    required_roles = sel.AU_PAGE_ROLES

    def get_meeting(self):
        return get_object_or_404(sel.au_meetings_visible_to(self.request.user), pk=self.kwargs["pk"])


class AUMeetingView(_MeetingMixin, TemplateView):
    template_name = "lexsarah/au_meeting.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        items = list(sel.agenda_items_visible(self.request.user, meeting))
        ctx = super().get_context_data()
        bound = kwargs.get("bound") or {}
        ctx.update(
            meeting=meeting, items=items,
            can_write=bool(self.roles & set(AU_WRITE_ROLES)),
            add_form=kwargs.get("add_form") or AgendaAddForm(
                prefix="add", investigations=sel.investigations_ready_for_au(self.request.user)),
            # Only items whose reports are still the AU's (not taken back to investigation).
            decide_forms={
                item.pk: bound.get(item.pk) or AgendaDecideForm(
                    prefix=f"item{item.pk}", initial={"severity": _first_assessment(item)})
                for item in items if item.pk in bound or item.decided_at is None and process_allowed(
                    [r.case for r in item.investigation.reports.all()], "au_decide",
                    self.request.user)
            },
        )
        return ctx


def _first_assessment(item: AgendaItem) -> str:
    report = item.investigation.reports.all()[:1]
    return report[0].assessment if report else ""


class AgendaAddView(_MeetingMixin, View):
    required_roles = AU_WRITE_ROLES
    http_method_names = ["post"]

    def post(self, request, pk):
        meeting = self.get_meeting()
        form = AgendaAddForm(request.POST, prefix="add",
                             investigations=sel.investigations_ready_for_au(request.user))
        if form.is_valid():
            try:
                svc.agenda_item_add(meeting=meeting, investigation=form.cleaned_data["investigation"],
                                    paragraph=form.cleaned_data["paragraph"], actor=request.user)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Utredningen lades på dagordningen."))
                return redirect("lexsarah:au_meeting", pk=meeting.pk)
        return _rerender(self, request, meeting, add_form=form)


class AgendaDecideView(_MeetingMixin, View):
    required_roles = AU_WRITE_ROLES
    http_method_names = ["post"]

    def post(self, request, pk, item_pk):
        meeting = self.get_meeting()
        item = get_object_or_404(sel.agenda_items_visible(request.user, meeting), pk=item_pk)
        form = AgendaDecideForm(request.POST, prefix=f"item{item.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                svc.agenda_item_decide(item=item, severity=data["severity"], ivo=data["ivo"],
                                       measures_approved=data["measures_approved"] == "ja",
                                       minutes=data["minutes"], actor=request.user)
            except ServiceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Arbetsutskottets beslut sparades."))
                return redirect("lexsarah:au_meeting", pk=meeting.pk)
        return _rerender(self, request, meeting, bound={item.pk: form})


def _rerender(view, request, meeting, **kwargs):
    page = AUMeetingView()
    page.setup(request, pk=meeting.pk)
    page.roles = view.roles
    return render(request, page.template_name, page.get_context_data(**kwargs), status=400)


class AUPacketPdfView(_MeetingMixin, View):
    def get(self, request, pk):
        from ..pdf import au_packet_pdf

        meeting = self.get_meeting()
        # Only the items the reader may see; an empty agenda still prints its cover page.
        items = list(sel.agenda_items_visible(request.user, meeting))
        cases = [r.case for item in items for r in item.investigation.reports.all()]
        access_log_record_many(user=request.user, cases=cases, action=AccessAction.PRINT,
                               request=request, detail=f"AU-handlingar {meeting.held_on}")
        response = HttpResponse(au_packet_pdf(meeting, items), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="au-{meeting.held_on}.pdf"'
        response["Cache-Control"] = "no-store"
        return response
