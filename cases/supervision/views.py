"""Supervisory case (tillsyn) pages. Reads start from `supervisions_visible_to` (invisible → 404);
writes need sektionschef or kvalitetsstrateg in scope (visible but not writable → 403); the
actions are POST-only views that call exactly one service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from cases.history import HistorySource, history_entries
from cases.services import ConcurrentEditError, ServiceError
from cases.supervision import services as services
from cases.supervision.forms import (
    CloseForm,
    DecisionForm,
    MeasureCompleteForm,
    MeasureForm,
    ReasonForm,
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
    supervision_get_visible,
    supervision_list,
)
from cases.views.mixins import PermissionMixin


def _form_errors_to_messages(request, form) -> None:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


class SupervisionMixin(PermissionMixin):
    required_roles = VIEW_ROLES
    write = False

    def get_supervision(self) -> Supervision:
        if not hasattr(self, "_supervision"):
            supervision = supervision_get_visible(self.request.user, self.kwargs["pk"])
            if supervision is None:
                raise Http404
            if self.write and not supervision_can_write(self.request.user, supervision):
                raise PermissionDenied
            self._supervision = supervision
        return self._supervision


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
        return ctx


class SupervisionCreateView(PermissionMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "cases/supervision/form.html"
    form_class = SupervisionForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        return {"initiated_on": timezone.localdate()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            supervision = services.supervision_create(
                actor=self.request.user, authority=data["authority"],
                supervision_type=data["supervision_type"], title=data["title"],
                units=data["units"], initiated_on=data["initiated_on"],
                authority_reference=data["authority_reference"], summary=data["summary"],
                response_due_on=data["response_due_on"],
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Tillsynsärendet registrerades."))
        return redirect(supervision.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=_("Nytt tillsynsärende"), **kwargs)


# --- detail, history, edit -----------------------------------------------------------------


def supervision_history_entries(supervision: Supervision, *, reader):
    return history_entries([
        HistorySource(Supervision, supervision.history.all(), _("tillsynsärendet")),
        HistorySource(SupervisionDecision,
                      SupervisionDecision.history.filter(supervision_id=supervision.pk),
                      _("beslut")),
        HistorySource(SupervisionMeasure,
                      SupervisionMeasure.history.filter(supervision_id=supervision.pk),
                      _("åtgärd")),
    ], reader=reader)


class SupervisionDetailView(SupervisionMixin, DetailView):
    template_name = "cases/supervision/detail.html"
    context_object_name = "supervision"
    tab = "overview"

    def get_object(self, queryset=None):
        return self.get_supervision()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        supervision = self.object
        can_write = supervision_can_write(self.request.user, supervision)
        ctx.update(tab=self.tab, can_write=can_write,
                   units=list(supervision.units.order_by("path")))
        if self.tab == "history":
            ctx["history"] = supervision_history_entries(supervision, reader=self.request.user)
            return ctx
        ctx.update(
            decisions=list(supervision.decisions.prefetch_related("deficiency_categories")),
            measures=list(supervision.measures.all()),
        )
        if can_write and not supervision.is_closed:
            today = timezone.localdate()
            ctx.update(
                decision_form=DecisionForm(initial={"decided_on": today,
                                                    "deficiencies_found": "0"}),
                measure_form=MeasureForm(auto_id="m-%s"),
                complete_form=MeasureCompleteForm(initial={"completed_on": today}),
                response_form=ResponseSentForm(initial={"sent_on": today,
                                                        "board_on": supervision.board_on}),
                close_form=CloseForm(initial={"closed_on": today}),
                reason_form=ReasonForm(),
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
        return {**super().get_form_kwargs(), "user": self.request.user,
                "instance": self.get_supervision()}

    def get(self, request, *args, **kwargs):
        if self.get_supervision().is_closed:
            messages.error(request, _("Tillsynsärendet är avslutat och kan inte ändras."))
            return redirect(self.get_supervision().get_absolute_url())
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        supervision = self.get_supervision()
        data = {name: form.cleaned_data[name] for name in SupervisionForm.Meta.fields}
        try:
            services.supervision_update(
                supervision=supervision, expected_version=form.cleaned_data["version"],
                data=data, units=form.cleaned_data["units"], actor=self.request.user,
            )
        except ConcurrentEditError as exc:
            form.add_error(None, str(exc))
            form.refresh_version(exc.current.version)
            return self.render_to_response(self.get_context_data(form=form, current=exc.current))
        except ServiceError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("Tillsynsärendet sparades."))
        return redirect(supervision.get_absolute_url())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("heading", _("Ändra tillsynsärende"))
        kwargs.setdefault("supervision", self.get_supervision())
        return super().get_context_data(**kwargs)


# --- actions (POST-only, one service each) -------------------------------------------------


class _ActionView(SupervisionMixin, View):
    """Validate the form, call exactly one service, redirect back to the detail page."""

    http_method_names = ["post"]
    required_roles = WRITE_ROLES
    write = True
    form_class: type = ReasonForm
    success_message = ""
    anchor = ""

    def perform(self, supervision: Supervision, data: dict):
        raise NotImplementedError

    def get_form(self):
        return self.form_class(self.request.POST)

    def post(self, request, *args, **kwargs):
        supervision = self.get_supervision()
        form = self.get_form()
        if not form.is_valid():
            _form_errors_to_messages(request, form)
        else:
            try:
                self.perform(supervision, form.cleaned_data)
            except ServiceError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, self.success_message)
        return redirect(supervision.get_absolute_url() + self.anchor)


class DecisionAddView(_ActionView):
    form_class = DecisionForm
    success_message = _("Beslutet registrerades.")
    anchor = "#beslut"

    def perform(self, supervision, data):
        return services.supervision_decision_add(supervision=supervision,
                                                 actor=self.request.user, **data)


class MeasureAddView(_ActionView):
    form_class = MeasureForm
    success_message = _("Åtgärden registrerades.")
    anchor = "#atgarder"

    def perform(self, supervision, data):
        return services.supervision_measure_add(supervision=supervision,
                                                actor=self.request.user, **data)


class MeasureCompleteView(_ActionView):
    form_class = MeasureCompleteForm
    success_message = _("Åtgärden är markerad som genomförd.")
    anchor = "#atgarder"

    def perform(self, supervision, data):
        measure = get_object_or_404(SupervisionMeasure, supervision=supervision,
                                    pk=self.kwargs["measure_pk"])
        return services.supervision_measure_complete(measure=measure, actor=self.request.user,
                                                     **data)


class ResponseSentView(_ActionView):
    form_class = ResponseSentForm
    success_message = _("Yttrandet är registrerat som skickat.")

    def perform(self, supervision, data):
        return services.supervision_register_response_sent(supervision=supervision,
                                                           actor=self.request.user, **data)


class SupplementView(_ActionView):
    success_message = _("Ärendet är pågående igen: myndigheten har begärt komplettering.")

    def perform(self, supervision, data):
        return services.supervision_request_supplement(supervision=supervision,
                                                       actor=self.request.user, **data)


class CloseView(_ActionView):
    form_class = CloseForm
    success_message = _("Tillsynsärendet är avslutat.")

    def perform(self, supervision, data):
        return services.supervision_close(supervision=supervision, actor=self.request.user,
                                          **data)
