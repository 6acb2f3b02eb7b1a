"""AU meetings: the list (AU and quality staff), a meeting with its agenda and decisions, and
the meeting packet PDF."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from cases.models import AccessAction, Case, Role
from cases.services.access import access_log_record_list, access_log_record_many
from cases.views.actionkit import ActionView, ScopedObjectMixin, bound_form, bound_forms
from cases.views.mixins import PermissionMixin

from .. import selectors as sel
from .. import services as svc
from ..actions import process_allowed, process_require
from ..forms import AgendaAddForm, AgendaDecideForm, AUMeetingForm
from ..models import AgendaItem, AUMeeting, Investigation

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
        ctx["form"] = bound_form(
            self.request, "meeting", lambda: AUMeetingForm(users=sel.au_members())
        )
        ctx["ready"] = ready = list(sel.investigations_ready_for_au(self.request.user))
        ctx["next_meeting"] = sel.au_next_meeting(self.request.user)
        _log_list(self.request, ctx["meetings"], ready)
        return ctx


def _log_list(request, meetings, ready: list[Investigation]) -> None:
    """The AU list shows meetings and, by their reports' references, the investigations
    waiting for the AU: one access-log row for the page view."""
    cases = [r.case for inv in ready for r in inv.reports.all()]
    access_log_record_list(
        user=request.user,
        shown={
            AUMeeting: [(m.pk, str(m)) for m in meetings],
            Investigation: [(inv.pk, inv.title) for inv in ready],
            Case: [(c.pk, c.reference) for c in cases],
        },
        unit_ids=[c.unit_id for c in cases],
        request=request,
        detail=_("AU-sammanträden"),
    )


class AUMeetingCreateView(ActionView, AUListView):
    required_roles = AU_WRITE_ROLES
    name = "meeting"
    prefixed = False
    success_message = _("Sammanträdet skapades.")

    def get_form(self, target):
        return AUMeetingForm(self.request.POST, users=sel.au_members())

    def perform(self, target, data):
        return svc.au_meeting_create(actor=self.request.user, **data)

    def next_url(self, target, meeting) -> str:
        return reverse("lexsarah:au_meeting", kwargs={"pk": meeting.pk})

    def page_context(self, target) -> dict:
        self.object_list = self.get_queryset()
        return super().page_context(target)


class _MeetingMixin(ScopedObjectMixin):
    required_roles = sel.AU_PAGE_ROLES

    def scoped_queryset(self):
        return sel.au_meetings_visible_to(self.request.user)

    def get_meeting(self):
        return self.get_object()


class AUMeetingView(_MeetingMixin, TemplateView):
    template_name = "lexsarah/au_meeting.html"

    def get_context_data(self, **kwargs):
        meeting = self.get_meeting()
        items = list(sel.agenda_items_visible(self.request.user, meeting))
        ctx = super().get_context_data()
        bound = bound_forms(self.request)
        # Each item shows its cases' unit, assessment, severity, IVO decision and minutes.
        access_log_record_many(
            user=self.request.user,
            cases=[r.case for item in items for r in item.investigation.reports.all()],
            action=AccessAction.READ,
            request=self.request,
            detail=_("AU-sammanträde %s") % meeting.held_on,
        )
        decisions_open = svc.decision_allowed_on(meeting)
        ctx.update(
            meeting=meeting,
            items=items,
            decisions_open=decisions_open,
            can_write=bool(self.roles & set(AU_WRITE_ROLES)),
            add_form=bound.get("add")
            or AgendaAddForm(
                prefix="add", investigations=sel.investigations_ready_for_au(self.request.user)
            ),
            # Only items whose reports are still the AU's (not taken back to investigation).
            decide_forms={
                item.pk: bound.get(f"item{item.pk}")
                or AgendaDecideForm(
                    prefix=f"item{item.pk}", initial={"severity": _first_assessment(item)}
                )
                for item in items
                if f"item{item.pk}" in bound
                or (
                    item.decided_at is None
                    and decisions_open
                    and process_allowed(
                        [r.case for r in item.investigation.reports.all()],
                        "au_decide",
                        self.request.user,
                    )
                )
            },
        )
        return ctx


def _first_assessment(item: AgendaItem) -> str:
    report = item.investigation.reports.all()[:1]
    return report[0].assessment if report else ""


class _MeetingAction(ActionView, AUMeetingView):
    """A POST on the meeting page; an error shows that page again with the form."""

    required_roles = AU_WRITE_ROLES

    def get_success_url(self, target, result) -> str:
        return reverse("lexsarah:au_meeting", kwargs={"pk": self.get_meeting().pk})


class AgendaAddView(_MeetingAction):
    name = "add"
    success_message = _("Utredningen lades på dagordningen.")

    def get_form(self, meeting):
        return AgendaAddForm(
            self.request.POST,
            prefix="add",
            investigations=sel.investigations_ready_for_au(self.request.user),
        )

    def perform(self, meeting, data):
        return svc.agenda_item_add(
            meeting=meeting,
            investigation=data["investigation"],
            paragraph=data["paragraph"],
            actor=self.request.user,
        )


class AgendaDecideView(_MeetingAction):
    success_message = _("Arbetsutskottets beslut sparades.")

    def get_target(self) -> AgendaItem:
        return get_object_or_404(
            sel.agenda_items_visible(self.request.user, self.get_meeting()),
            pk=self.kwargs["item_pk"],
        )

    def check(self, item) -> None:
        # Every report must still be the AU's to decide (not taken back to investigation).
        for report in item.investigation.reports.select_related("case"):
            process_require(report.case, "au_decide", self.request.user)

    def form_key(self, item) -> str:
        return f"item{item.pk}"

    def get_form(self, item):
        return AgendaDecideForm(self.request.POST, prefix=f"item{item.pk}")

    def perform(self, item, data):
        return svc.agenda_item_decide(
            item=item,
            severity=data["severity"],
            ivo=data["ivo"],
            measures_approved=data["measures_approved"] == "ja",
            minutes=data["minutes"],
            actor=self.request.user,
        )


class AUPacketPdfView(_MeetingMixin, View):
    def get(self, request, pk):
        from ..pdf import au_packet_pdf

        meeting = self.get_meeting()
        # Only the items the reader may see; an empty agenda still prints its cover page.
        items = list(sel.agenda_items_visible(request.user, meeting))
        cases = [r.case for item in items for r in item.investigation.reports.all()]
        access_log_record_many(
            user=request.user,
            cases=cases,
            action=AccessAction.PRINT,
            request=request,
            detail=f"AU-handlingar {meeting.held_on}",
        )
        response = HttpResponse(au_packet_pdf(meeting, items), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="au-sammantrade-{meeting.held_on:%Y-%m-%d}-handlingar.pdf"'
        )
        response["Cache-Control"] = "no-store"
        return response
