"""Self-inspection pages: plans, the yearly plan per unit, runs, loggkontroll review."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView

from cases.forms import MeasureForm as RiskMeasureForm
from cases.history import HistorySource, history_entries
from cases.models import Case, Membership
from cases.services.access import access_log_record_object
from cases.views.actionkit import ActionView, ScopedObjectMixin, ServiceFormMixin, bound_form
from cases.views.mixins import PermissionMixin

from . import services
from .forms import (
    DrawSampleForm,
    LogReviewForm,
    PlanForm,
    RunDeviationForm,
    RunForm,
    ScheduleForm,
    YearForm,
)
from .models import LogSample, SelfControlPlan, SelfControlRun
from .selectors import (
    VIEW_ROLES,
    WRITE_ROLES,
    linked_cases_visible,
    log_samples_visible,
    overdue_runs,
    plan_list,
    plans_visible_to,
    runs_visible_to,
    year_overview,
)


class PlanMixin(ScopedObjectMixin):
    required_roles = VIEW_ROLES
    write = False

    def scoped_queryset(self):
        return plans_visible_to(self.request.user).select_related(
            "method", "responsible_unit", "responsible_person"
        )

    def check_object(self, obj) -> None:
        if self.write and not self.can_write_plan(obj):
            raise PermissionDenied

    def get_plan(self) -> SelfControlPlan:
        return self.get_object()

    def can_write_plan(self, plan) -> bool:
        return plans_visible_to(self.request.user, write=True).filter(pk=plan.pk).exists()


class RunMixin(ScopedObjectMixin):
    required_roles = VIEW_ROLES
    write = False

    def scoped_queryset(self):
        return runs_visible_to(self.request.user).select_related(
            "plan", "plan__method", "plan__responsible_unit", "plan__responsible_person"
        )

    def check_object(self, obj) -> None:
        if self.write and not self.can_write_run(obj):
            raise PermissionDenied

    def get_run(self) -> SelfControlRun:
        return self.get_object()

    def can_write_run(self, run) -> bool:
        return runs_visible_to(self.request.user, write=True).filter(pk=run.pk).exists()


# --- plans -------------------------------------------------------------------------------------


class PlanListView(PermissionMixin, ListView):
    required_roles = VIEW_ROLES
    template_name = "selfcontrol/list.html"
    context_object_name = "plans"
    paginate_by = 50

    def get_queryset(self):
        self.filterset = plan_list(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(
            overdue=overdue_runs(self.request.user)[:50],
            show_all=bool(self.filterset.form.cleaned_data.get("alla")),
            can_create=bool(self.roles & set(WRITE_ROLES)),
            year=timezone.localdate().year,
        )
        return ctx


class PlanCreateView(ServiceFormMixin, PermissionMixin, FormView):
    required_roles = WRITE_ROLES
    template_name = "selfcontrol/form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    success_message = _("Planen för egenkontroll skapades.")

    def perform(self, form):
        return services.plan_create(actor=self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = _("Ny plan för egenkontroll")
        return ctx


class PlanEditView(ServiceFormMixin, PlanMixin, FormView):
    required_roles = WRITE_ROLES
    write = True
    template_name = "selfcontrol/form.html"
    form_class = PlanForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, instance=self.get_plan())
        return kwargs

    success_message = _("Planen sparades.")

    def perform(self, form):
        plan = self.get_plan()
        data = {name: form.cleaned_data[name] for name in PlanForm.Meta.fields}
        services.plan_update(plan=plan, data=data, actor=self.request.user)
        return plan

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(heading=_("Ändra plan för egenkontroll"), back=self.get_plan())
        return ctx


class PlanDetailView(PlanMixin, DetailView):
    template_name = "selfcontrol/plan_detail.html"
    context_object_name = "plan"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        runs = list(self.object.runs.order_by("-period_start"))
        for run in runs:
            run.is_overdue = not run.is_done and run.due_date < today
        ctx.update(
            runs=runs,
            can_write=self.can_write_plan(self.object),
            schedule_form=bound_form(
                self.request, "plan_schedule", lambda: ScheduleForm(initial={"year": today.year})
            ),
            history=history_entries(
                [HistorySource(SelfControlPlan, self.object.history.all(), _("planen"))],
                reader=self.request.user,
            ),
        )
        return ctx


class PlanScheduleView(ActionView, PlanDetailView):
    required_roles = WRITE_ROLES
    write = True
    name = "plan_schedule"
    prefixed = False
    form_class = ScheduleForm

    def perform(self, plan, data):
        return services.plan_schedule_year(plan=plan, year=data["year"], actor=self.request.user)

    def get_success_message(self, plan, created) -> str:
        return _("%d körningar planerades.") % len(created)


class YearPlanView(PermissionMixin, TemplateView):
    """/egenkontroll/plan/?unit=…&year=…: planned, done and overdue runs of a unit's subtree."""

    required_roles = VIEW_ROLES
    template_name = "selfcontrol/year.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        data = self.request.GET.copy()
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        if not data.get("unit"):
            top = (
                Membership.objects.active()
                .filter(user=user, role__in=VIEW_ROLES)
                .select_related("unit")
                .order_by("unit__depth", "unit__path")
                .first()
            )
            data["unit"] = top.unit.code if top else ""
        form = YearForm(data, user=user)
        if not form.is_valid():
            if "unit" in form.errors:
                raise Http404  # a unit outside the user's scope is invisible
            messages.error(self.request, _("Ange ett giltigt år."))
            form = YearForm({"unit": data["unit"], "year": timezone.localdate().year}, user=user)
            form.is_valid()
        unit, year = form.cleaned_data["unit"], form.cleaned_data["year"]
        ctx.update(form=form, unit=unit, year=year, **year_overview(user, unit=unit, year=year))
        return ctx


# --- runs --------------------------------------------------------------------------------------


class RunDetailView(RunMixin, DetailView):
    template_name = "selfcontrol/run_detail.html"
    context_object_name = "run"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        run = self.object
        can_write = self.can_write_run(run)
        samples, hidden_samples = log_samples_visible(self.request.user, run)
        linked = linked_cases_visible(self.request.user, run)
        # The run and the deviations registered from it, in one access-log row.
        access_log_record_object(
            user=self.request.user,
            obj=run,
            label=str(run),
            # The cases' units too: whoever reviews the row may see every reference in it.
            unit_ids=[run.plan.responsible_unit_id] + [c.unit_id for c in linked.cases],
            request=self.request,
            shown={Case: [(c.pk, c.reference) for c in linked.cases]},
        )
        if can_write:
            for sample in samples:
                sample.form = bound_form(
                    self.request, f"log_review-{sample.pk}", lambda s=sample: _review_form(s)
                )
        ctx.update(
            can_write=can_write,
            is_overdue=not run.is_done and run.due_date < timezone.localdate(),
            measures=run.measures.select_related("measure_type", "responsible"),
            linked=linked,
            samples=samples,
            hidden_samples=hidden_samples,
            sample_count=len(samples) + hidden_samples,
            run_form=RunForm(instance=run),
            measure_form=bound_form(self.request, "run_measure", RiskMeasureForm),
            deviation_form=bound_form(
                self.request,
                "run_deviation",
                lambda: RunDeviationForm(
                    initial={
                        "title": _("Brist i egenkontroll: %s") % run.plan.area,
                        "description": run.findings,
                    }
                ),
            ),
            draw_form=bound_form(
                self.request,
                "run_draw",
                lambda: DrawSampleForm(initial={"size": run.sample_size or run.plan.sample_size}),
            ),
            history=history_entries(
                [
                    HistorySource(SelfControlRun, run.history.all(), _("egenkontrollen")),
                    HistorySource(
                        LogSample, LogSample.history.filter(run_id=run.pk), _("granskad loggpost")
                    ),
                ],
                reader=self.request.user,
            ),
        )
        return ctx


class RunEditView(ServiceFormMixin, RunMixin, FormView):
    required_roles = WRITE_ROLES
    write = True
    template_name = "selfcontrol/form.html"
    form_class = RunForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.get_run()
        return kwargs

    success_message = _("Egenkontrollen sparades.")

    def perform(self, form):
        run = self.get_run()
        data = {name: form.cleaned_data[name] for name in RunForm.Meta.fields}
        services.run_update(run=run, data=data, actor=self.request.user)
        return run

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(heading=_("Resultat av egenkontroll: %s") % self.get_run(), back=self.get_run())
        return ctx


def _review_form(sample, data=None) -> LogReviewForm:
    # Per-sample ids keep every label pointing at its own field.
    return LogReviewForm(
        data,
        initial={"review": sample.review, "comment": sample.comment},
        auto_id=f"s{sample.pk}-%s",
    )


class _RunAction(ActionView, RunDetailView):
    """A write on the run page: an error shows the run page again."""

    required_roles = WRITE_ROLES
    write = True
    prefixed = False


class RunStartView(_RunAction):
    name = "run_start"
    success_message = _("Egenkontrollen är påbörjad.")

    def perform(self, run, data):
        return services.run_start(run=run, actor=self.request.user)


class RunCompleteView(_RunAction):
    name = "run_complete"
    success_message = _("Egenkontrollen är klar.")

    def perform(self, run, data):
        return services.run_complete(run=run, actor=self.request.user)


class RunReopenView(_RunAction):
    name = "run_reopen"
    success_message = _("Egenkontrollen är öppnad igen.")

    def perform(self, run, data):
        return services.run_reopen(run=run, actor=self.request.user)


class RunMeasureAddView(_RunAction):
    name = "run_measure"
    form_class = RiskMeasureForm
    success_message = _("Åtgärden sparades.")

    def perform(self, run, data):
        return services.run_measure_add(run=run, actor=self.request.user, **data)


class RunDeviationView(_RunAction):
    name = "run_deviation"
    form_class = RunDeviationForm
    success_message = _("Iakttagelsen registrerades som en kvalitetsavvikelse.")

    def perform(self, run, data):
        return services.run_deviation_create(run=run, actor=self.request.user, **data)


class RunDrawSampleView(_RunAction):
    name = "run_draw"
    form_class = DrawSampleForm
    success_message = _("Urvalet ur åtkomstloggen drogs.")

    def perform(self, run, data):
        return services.run_draw_log_sample(run=run, actor=self.request.user, size=data["size"])


class LogSampleReviewView(_RunAction):
    name = "log_review"
    success_message = _("Granskningen sparades.")

    def get_sample(self, run):
        return get_object_or_404(run.log_samples, pk=self.kwargs["sample_pk"])

    def get_form(self, run):
        return _review_form(self.get_sample(run), self.request.POST)

    def form_key(self, run) -> str:
        return f"log_review-{self.kwargs['sample_pk']}"

    def get_success_url(self, run, result):
        return run.get_absolute_url() + f"#sample-{self.kwargs['sample_pk']}"

    def perform(self, run, data):
        return services.log_sample_review(
            sample=self.get_sample(run), actor=self.request.user, **data
        )
