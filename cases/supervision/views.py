"""Supervisory case (tillsyn) pages. Reads start from `supervisions_visible_to` (invisible → 404);
what a user may do is the action table in cases/supervision/actions.py: the detail page offers
exactly `supervision_actions_offered(...)` (the expected next step first, its form open, the
others behind buttons) and every action is a POST-only view on the action kit calling exactly
one service, which refuses what the table does not allow (not allowed → 403; not possible now →
the page with the reason; a form or service error → the same page with the form, 400)."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from cases.actions import Action
from cases.forms import ReasonForm
from cases.history import HistorySource, history_entries
from cases.services import ConcurrentEditError, ServiceError
from cases.services.access import access_log_record_list, access_log_record_object
from cases.supervision import services as services
from cases.supervision.actions import supervision_action_require, supervision_actions_offered
from cases.supervision.forms import (
    CloseForm,
    DecisionForm,
    MeasureCompleteForm,
    MeasureForm,
    ResponseSentForm,
    SupervisionEditForm,
    SupervisionForm,
)
from cases.supervision.models import Supervision, SupervisionDecision, SupervisionMeasure
from cases.supervision.selectors import (
    VIEW_ROLES,
    WRITE_ROLES,
    supervision_can_write,
    supervision_counts_for_year,
    supervision_list,
    supervisions_visible_to,
)
from cases.views.actionkit import ActionView, ScopedObjectMixin, ServiceFormMixin, bound_forms
from cases.views.mixins import PermissionMixin

# The status box beside the facts; also the anchor of the actions shown in it.
SIDE = "handlaggning"
# The page parts an action's htmx answer replaces (templates/cases/supervision/_fragment.html).
PARTS = {SIDE, "beslut", "yttrande", "atgarder"}


class SupervisionMixin(ScopedObjectMixin):
    required_roles = VIEW_ROLES
    write = False

    def scoped_queryset(self):
        return supervisions_visible_to(self.request.user).select_related(
            "supervision_type", "created_by"
        )

    def check_object(self, supervision) -> None:
        if self.write and not supervision_can_write(self.request.user, supervision):
            raise PermissionDenied

    def get_supervision(self) -> Supervision:
        return self.get_object()


# --- list, create --------------------------------------------------------------------------


class SupervisionListView(PermissionMixin, ListView):
    required_roles = VIEW_ROLES
    template_name = "cases/supervision/list.html"
    context_object_name = "supervisions"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = supervision_list(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        year = self.filterset.form.cleaned_data.get("ar") or timezone.localdate().year
        # The counts follow the list's filters, by decision date in the chosen (or this) year.
        ctx.update(
            filter=self.filterset,
            counts=supervision_counts_for_year(year=year, supervisions=self.object_list),
            counts_year=year,
            can_create=bool(self.roles & set(WRITE_ROLES)),
        )
        shown = ctx["supervisions"]
        access_log_record_list(
            user=self.request.user,
            shown={Supervision: [(s.pk, access_label(s)) for s in shown]},
            unit_ids=[u.pk for s in shown for u in s.units.all()],
            request=self.request,
            detail=_("Tillsynsärenden"),
        )
        return ctx


def access_label(supervision: Supervision) -> str:
    """How the access log names a supervision: the authority and its reference (or title)."""
    return f"{supervision.authority.upper()} {supervision.authority_reference or supervision.title}"


class SupervisionCreateView(ServiceFormMixin, PermissionMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "cases/supervision/form.html"
    form_class = SupervisionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"initiated_on": timezone.localdate()}

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    success_message = _("Tillsynsärendet registrerades.")

    def perform(self, form):
        data = form.cleaned_data
        return services.supervision_create(
            actor=self.request.user,
            authority=data["authority"],
            supervision_type=data["supervision_type"],
            title=data["title"],
            units=data["units"],
            initiated_on=data["initiated_on"],
            authority_reference=data["authority_reference"],
            summary=data["summary"],
            response_due_on=data["response_due_on"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Nytt tillsynsärende"), **kwargs)


# --- detail, history, edit -----------------------------------------------------------------


def supervision_history_entries(supervision: Supervision, *, reader):
    return history_entries(
        [
            HistorySource(Supervision, supervision.history.all(), _("tillsynsärendet")),
            HistorySource(
                SupervisionDecision,
                SupervisionDecision.history.filter(supervision_id=supervision.pk),
                _("beslut"),
            ),
            HistorySource(
                SupervisionMeasure,
                SupervisionMeasure.history.filter(supervision_id=supervision.pk),
                _("åtgärd"),
            ),
        ],
        reader=reader,
    )


@dataclass
class OfferedAction:
    """One offered action on the page (the shape templates/cases/parts/action.html shows)."""

    action: Action
    form: Any
    url: str
    primary: bool

    @property
    def name(self) -> str:
        return self.action.name

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def open(self) -> bool:
        return self.primary or bool(self.form is not None and self.form.is_bound)


def _make_form(name: str, supervision: Supervision):
    today = timezone.localdate()
    if name == "decision_add":
        return DecisionForm(initial={"decided_on": today, "deficiencies_found": "0"})
    if name == "measure_add":
        return MeasureForm(auto_id="m-%s")
    if name == "response_sent":
        return ResponseSentForm(initial={"sent_on": today, "board_on": supervision.board_on})
    if name == "close":
        return CloseForm(initial={"closed_on": today})
    if name == "supplement":
        return ReasonForm(auto_id="s-%s")
    return None


def _complete_form(measure, data=None):
    # One small form per planned measure; its own ids keep every label on its own field.
    return MeasureCompleteForm(
        data, auto_id=f"done{measure.pk}-%s", initial={"completed_on": timezone.localdate()}
    )


class SupervisionDetailView(SupervisionMixin, DetailView):
    template_name = "cases/supervision/detail.html"
    context_object_name = "supervision"
    tab = "overview"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        supervision = self.object
        ctx.update(tab=self.tab, units=list(supervision.units.order_by("path")))
        # Every rendering of the page (a GET, or a form sent back with errors) is a read.
        access_log_record_object(
            user=self.request.user,
            obj=supervision,
            label=access_label(supervision),
            unit_ids=[u.pk for u in ctx["units"]],
            request=self.request,
            detail=self.tab,
        )
        if self.tab == "history":
            ctx["history"] = supervision_history_entries(supervision, reader=self.request.user)
            return ctx
        offered = supervision_actions_offered(supervision, self.request.user)
        names = {a.name for a in offered}
        bound = bound_forms(self.request)
        entries = [
            OfferedAction(
                a,
                bound.get(a.name) or _make_form(a.name, supervision),
                reverse(a.url_name, args=[supervision.pk]),
                primary=supervision.status in a.primary_in,
            )
            for a in offered
            if a.name not in ("edit", "measure_complete")
        ]
        measures = list(supervision.measures.all())
        for m in measures:
            m.complete_form = None
            if "measure_complete" in names and m.status == SupervisionMeasure.Status.PLANNED:
                m.complete_form = bound.get(f"measure_complete-{m.pk}") or _complete_form(m)
        side = [e for e in entries if not e.action.section]
        shown = {id(e.form) for e in entries} | {id(m.complete_form) for m in measures}
        today = timezone.localdate()
        ctx.update(
            can_write="edit" in names or supervision_can_write(self.request.user, supervision),
            can_edit="edit" in names,
            next_steps=[e for e in side if e.primary],
            other_steps=[e for e in side if not e.primary],
            section_actions={e.action.section: [e] for e in entries if e.action.section},
            decisions=list(supervision.decisions.prefetch_related("deficiency_categories")),
            measures=measures,
            response_overdue=bool(
                supervision.response_due_on
                and supervision.response_due_on < today
                and supervision.status == Supervision.Status.ONGOING
            ),
            # A form that came back for a step no longer offered (someone moved it on).
            orphan_form=next((f for f in bound.values() if f.errors and id(f) not in shown), None),
        )
        return ctx


class SupervisionHistoryView(SupervisionDetailView):
    tab = "history"


class SupervisionEditView(SupervisionMixin, FormView):
    required_roles = WRITE_ROLES
    write = True
    template_name = "cases/supervision/form.html"
    form_class = SupervisionEditForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "instance": self.get_supervision(),
        }

    def get(self, request, *args, **kwargs):
        try:
            supervision_action_require(self.get_supervision(), "edit", request.user)
        except ServiceError as exc:
            messages.error(request, str(exc))
            return redirect(self.get_supervision().get_absolute_url())
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        supervision = self.get_supervision()
        data = {name: form.cleaned_data[name] for name in SupervisionForm.Meta.fields}
        try:
            services.supervision_update(
                supervision=supervision,
                expected_version=form.cleaned_data["version"],
                data=data,
                units=form.cleaned_data["units"],
                actor=self.request.user,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
            form.refresh_version(exc.current.version)
            return self.render_to_response(
                self.get_context_data(form=form, current=exc.current), status=409
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Tillsynsärendet sparades."))
        return redirect(supervision.get_absolute_url())

    def get_context_data(self, **kwargs):
        supervision = self.get_supervision()
        kwargs.setdefault("heading", _("Ändra tillsynsärende"))
        kwargs.setdefault("supervision", supervision)
        # The edit form shows the supervision's contents: a read like the page's.
        access_log_record_object(
            user=self.request.user,
            obj=supervision,
            label=access_label(supervision),
            unit_ids=list(supervision.units.values_list("pk", flat=True)),
            request=self.request,
            detail="edit",
        )
        return super().get_context_data(**kwargs)


# --- actions (POST-only, one service each, on the action kit) --------------------------------


class _SupervisionAction(ActionView, SupervisionDetailView):
    """The gate is the table (403 / the page with the reason), then the form, then one service;
    afterwards back to the section the user acted in, or (htmx) the changed parts."""

    prefixed = False
    anchor = SIDE
    fragment_template = "cases/supervision/_fragment.html"

    def check(self, supervision) -> None:
        supervision_action_require(supervision, self.name, self.request.user)

    def fragments(self, supervision) -> set[str]:
        return PARTS

    def page_context(self, supervision) -> dict:
        # Fresh: the service may have moved the supervision on.
        self._object = self.scoped_queryset().get(pk=supervision.pk)
        return super().page_context(supervision)


class DecisionAddView(_SupervisionAction):
    name = "decision_add"
    form_class = DecisionForm
    success_message = _("Beslutet registrerades.")

    def perform(self, supervision, data):
        return services.supervision_decision_add(
            supervision=supervision, actor=self.request.user, **data
        )


class MeasureAddView(_SupervisionAction):
    name = "measure_add"
    anchor = "atgarder"
    success_message = _("Åtgärden registrerades.")

    def get_form(self, supervision):
        return MeasureForm(self.request.POST, auto_id="m-%s")

    def perform(self, supervision, data):
        return services.supervision_measure_add(
            supervision=supervision, actor=self.request.user, **data
        )


class MeasureCompleteView(_SupervisionAction):
    name = "measure_complete"
    anchor = "atgarder"
    success_message = _("Åtgärden är markerad som genomförd.")

    def get_measure(self, supervision) -> SupervisionMeasure:
        return get_object_or_404(
            SupervisionMeasure, supervision=supervision, pk=self.kwargs["measure_pk"]
        )

    def get_form(self, supervision):
        return _complete_form(self.get_measure(supervision), self.request.POST)

    def form_key(self, supervision) -> str:
        return f"measure_complete-{self.kwargs['measure_pk']}"

    def perform(self, supervision, data):
        return services.supervision_measure_complete(
            measure=self.get_measure(supervision), actor=self.request.user, **data
        )


class ResponseSentView(_SupervisionAction):
    name = "response_sent"
    form_class = ResponseSentForm
    success_message = _("Yttrandet är registrerat som skickat.")

    def perform(self, supervision, data):
        return services.supervision_register_response_sent(
            supervision=supervision, actor=self.request.user, **data
        )


class SupplementView(_SupervisionAction):
    name = "supplement"
    success_message = _("Ärendet är pågående igen: myndigheten har begärt komplettering.")

    def get_form(self, supervision):
        return ReasonForm(self.request.POST, auto_id="s-%s")

    def perform(self, supervision, data):
        return services.supervision_request_supplement(
            supervision=supervision, actor=self.request.user, **data
        )


class CloseView(_SupervisionAction):
    name = "close"
    form_class = CloseForm
    success_message = _("Tillsynsärendet är avslutat.")

    def perform(self, supervision, data):
        return services.supervision_close(supervision=supervision, actor=self.request.user, **data)
